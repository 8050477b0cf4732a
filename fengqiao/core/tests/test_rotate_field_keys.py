"""Key rotation of personal data at rest (rotate_field_keys)."""

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection

from fengqiao.cases.models import Case
from fengqiao.cases.tests.factories import make_case

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def raw_phone(case):
    with connection.cursor() as cursor:
        cursor.execute("SELECT reporter_phone FROM cases_case WHERE id = %s", [case.pk])
        return cursor.fetchone()[0]


def test_rotation_re_encrypts_with_the_new_key_so_the_old_one_can_go(personas, settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    case = make_case()
    before = raw_phone(case)
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    out = StringIO()
    call_command("rotate_field_keys", stdout=out)
    assert "cases_case: 1 行已重新加密" in out.getvalue()
    after = raw_phone(case)
    assert after != before and "13812345678" not in after
    Fernet(NEW.encode()).decrypt(after.encode())  # readable with the new key alone
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    assert Case.objects.get(pk=case.pk).reporter_phone == "13812345678"
    # A second run finds nothing left to do.
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    out = StringIO()
    call_command("rotate_field_keys", stdout=out)
    assert "共 0 行" in out.getvalue() and raw_phone(case) == after


def test_dropping_the_old_key_before_rotating_is_a_clear_error(personas, settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    case = make_case()
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEYS"):
        Case.objects.get(pk=case.pk)
    with pytest.raises(CommandError, match="no configured key can decrypt"):
        call_command("rotate_field_keys", stdout=StringIO())
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    assert raw_phone(case)  # untouched
    assert Case.objects.get(pk=case.pk).reporter_phone == "13812345678"


def test_dry_run_counts_without_writing(personas, settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    case = make_case()
    before = raw_phone(case)
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    out = StringIO()
    call_command("rotate_field_keys", "--dry-run", stdout=out)
    assert "cases_case: 1 行需要重新加密" in out.getvalue() and raw_phone(case) == before
