error-period-out-of-range = 日期须在 2000 年至 2099 年之间。
error-period-too-long = 统计期间最长约十年，请缩短起止日期。
