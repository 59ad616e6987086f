error-period-out-of-range = Dates must lie between 2000 and 2099.
error-period-too-long = A period can be at most about ten years; choose a shorter one.
