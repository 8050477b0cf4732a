"""Simplified Chinese: month and day without a leading zero (3月5日, as staff write it);
Django's own zh_Hans formats give 03月5日."""

MONTH_DAY_FORMAT = "n月j日"
