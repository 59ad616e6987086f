# The residents' portal: choosing the place step by step, and the resident's rating on the case page

portal-area = Where is it?
portal-area-hint = Choose the district, then the street, then the community; leave the grid if you are not sure. Or use your location below.
portal-area-district = District
portal-area-street = Street (subdistrict or township)
portal-area-community = Community (or village)
portal-area-grid = Grid (optional)
portal-area-choose-district = Choose a district
portal-area-choose-street = Choose a street
portal-area-choose-community = Choose a community
portal-area-choose-grid = Not sure: the community assigns it
portal-area-next-district = List its streets
portal-area-next-street = List its communities
portal-area-next-community = List its grids
portal-photo-again = The photo was not kept with the form: please choose it again.
error-portal-area-code = That area code is malformed: it has 2–32 letters, digits or hyphens.
error-portal-area-unknown = There is no such area, or it was retired: please choose again from the list.
error-portal-area-level = That area cannot be chosen at this step (a street where the community belongs, say): please choose again from the list.
error-portal-area-incomplete = Please go on to choose the community (or village), or use your location.
error-portal-area-required = Please choose the community where it is, or use your location.
error-portal-area-outside = Your location lies outside the communities this platform serves: please choose the community from the list.

case-resident-rating = The resident's own rating
case-resident-rating-via = Rated by the resident on the public portal on { $when }.
case-resident-rating-not-counted = This is the resident's own word. The satisfaction figures count the follow-up (回访) that staff record, not this rating.
case-resident-rating-waiting = Submitted by a resident on the public portal. Once the case is concluded, the resident may rate the outcome with the tracking number; there is no rating yet.
case-follow-up-satisfaction = Satisfaction at follow-up
