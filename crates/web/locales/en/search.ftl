search-title = Search cases
search-label = Words
search-placeholder = e.g. leak, noise, a party's surname, a street, a case number
search-submit = Search
search-open-only = Open cases only
search-total = { $count ->
    [one] 1 case found
   *[other] { $count } cases found
}
search-empty = No case matches. Try other words, such as a two-character keyword, or remove the filters.
search-hint = Search titles, descriptions, addresses, categories and case numbers; roles that work with parties can also search parties' names. Separate words with spaces: all must match.
search-parties = Parties
search-taken-in = Taken in
search-more = Next page
error-search-empty = Enter something to search for.
error-search-too-long = A search may hold at most 100 characters.
error-search-too-many-terms = Use at most 8 words separated by spaces.
error-search-no-words = The search holds no letters or digits; try other words.
error-search-offset = That is too far down the results; add filters or more specific words.
similar-title = Possibly the same matter
similar-hint = Open cases of the same category were taken in nearby recently with similar text. If this is the same matter, open that case instead of taking it in twice.
similar-none = No similar open case nearby recently.
similar-open = Open
similar-mark-hint = Once taken in, "Mark as duplicate" on the new case's page, with the original case's number, links the two.
case-outcome-duplicate = Duplicate
case-do-mark-duplicate = Mark as duplicate
action-case-mark-duplicate = Marked as duplicate
action-case-search-party = Searched cases by a party's name
case-field-original = Number of the original case
error-case-original-not-found = No case with that number, or it lies outside your area.
error-case-duplicate-of-itself = A case cannot duplicate itself.
error-case-duplicate-of-duplicate = That case is itself marked as a duplicate: give the number of the case it points to.
error-case-outcome-duplicate-by-mark = A duplicate is marked with "Mark as duplicate" and the original's number; it is not an outcome to choose.
