"""Keyword search over cases (关键词检索): the workbench's and the API's ``q``.

A case matches when the words appear, case-insensitively and as typed, in its number, title,
description or address (``icontains``, OR'ed). That is a substring scan over every case in
scope, which no B-tree serves, and Chinese search terms are mostly two characters, which a
trigram index cannot serve either. So on PostgreSQL each case's four texts are also kept,
upper-cased and joined by spaces, in a side table with a GIN index of their character bigrams
(migration ``cases/0006_search_bigrams``, kept by triggers), and a search of two characters or
more asks it for the cases that hold every bigram of the words and contain them. A text that
contains the words holds their bigrams, and words without a space cannot match across the
joining spaces, so the answer is the scan's; words with a space are checked field by field as
well. One-character words and SQLite scan as before.
"""

from __future__ import annotations

from django.db import connections
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from fengqiao.cases.models import Case

# The LIKE goes inside COALESCE so that the planner takes it as an opaque condition (half the
# rows) rather than multiplying its estimate of LIKE '%词%' with the bigrams' (they select nearly
# the same rows): for a common word it then believed a handful of cases matched and joined
# thousands as if they were a handful.
_HOLDING = (
    "{case_id} IN (SELECT case_id FROM cases_search_text WHERE fengqiao_bigrams(doc) @> "
    "fengqiao_bigrams(upper(%s)) AND COALESCE(doc LIKE upper(%s), false))"
)


def matching(queryset: QuerySet[Case], words: str) -> QuerySet[Case]:
    """The cases of ``queryset`` whose number, title, description or address contain
    ``words`` (already stripped, not empty)."""
    contains = (
        Q(number__icontains=words)
        | Q(title__icontains=words)
        | Q(description__icontains=words)
        | Q(address__icontains=words)
    )
    if len(words) < 2 or connections[queryset.db].vendor != "postgresql":
        return queryset.filter(contains)
    pattern = "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    # The SQL is this module's constant with the table named so that joins cannot make the
    # column ambiguous; the words are bound parameters.
    held = RawSQL(  # noqa: S611
        _HOLDING.format(case_id=f'"{Case._meta.db_table}"."id"'),
        (words, pattern),
        output_field=BooleanField(),
    )
    found = queryset.filter(held)
    if " " in words:  # the joining spaces: check each field (rare, and on few cases)
        checked = Coalesce(ExpressionWrapper(contains, output_field=BooleanField()), Value(False))
        found = found.filter(checked)
    return found
