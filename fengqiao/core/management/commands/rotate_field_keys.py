"""``manage.py rotate_field_keys``: re-encrypt personal data with the newest key (密钥轮换).

Rotation (docs/deployment.md): put a new key first in ``FIELD_ENCRYPTION_KEYS`` (keep the old
ones after it), restart, run this command, then remove the old keys. The command reads the stored
tokens directly (no decryption into model instances), re-encrypts each with ``MultiFernet.rotate``
and writes back only tokens that changed, in batches, each batch in its own transaction, so it
can be interrupted and run again. A token no configured key can read stops it with an error
naming the table and row, before anything of that batch is written.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from cryptography.fernet import InvalidToken, MultiFernet
from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from fengqiao.core.fields import EncryptedTextField, _fernet, encryption_keys

BATCH = 500


def encrypted_columns() -> list[tuple[str, str, list[str]]]:
    """(table, primary-key column, encrypted columns) of every installed model."""
    found = []
    for model in apps.get_models():
        columns = [
            f.column for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)
        ]
        if columns and not model._meta.proxy:
            found.append((model._meta.db_table, model._meta.pk.column, columns))
    return found


def _readable(fernet: MultiFernet, token: str) -> bool:
    try:
        fernet.decrypt(token.encode())
    except InvalidToken:
        return False
    return True


class Command(BaseCommand):
    help = "用 FIELD_ENCRYPTION_KEYS 中的第一个密钥重新加密全部个人信息字段（密钥轮换）。"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="只统计，不写入")

    def handle(self, *args: Any, **options: Any) -> None:
        keys = encryption_keys()
        fernet, newest = _fernet(keys), _fernet(keys[:1])
        quote = connection.ops.quote_name
        total = 0
        for table, pk, columns in encrypted_columns():
            changed = 0
            select = (
                f"SELECT {quote(pk)}, {', '.join(quote(c) for c in columns)} FROM {quote(table)} "  # noqa: S608 - names from model metadata
                f"WHERE {quote(pk)} > %s ORDER BY {quote(pk)}"
            )
            last: Any = -1
            while True:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(select + f" LIMIT {BATCH}", [last])
                    rows = cursor.fetchall()
                    for row in rows:
                        updates = {}
                        for column, token in zip(columns, row[1:], strict=True):
                            if not token or _readable(newest, token):
                                continue  # empty, or already under the newest key
                            try:
                                rotated = fernet.rotate(token.encode()).decode()
                            except InvalidToken as exc:
                                raise CommandError(
                                    f"{table}.{column} row {row[0]}: no configured key can "
                                    "decrypt it; nothing of this batch was written"
                                ) from exc
                            updates[column] = rotated
                        if updates and not options["dry_run"]:
                            assignments = ", ".join(f"{quote(c)} = %s" for c in updates)
                            cursor.execute(
                                f"UPDATE {quote(table)} SET {assignments} WHERE {quote(pk)} = %s",  # noqa: S608
                                [*updates.values(), row[0]],
                            )
                        changed += bool(updates)
                if len(rows) < BATCH:
                    break
                last = rows[-1][0]
            total += changed
            self.stdout.write(
                f"{table}: {changed} 行{'需要' if options['dry_run'] else '已'}重新加密"
            )
        self.stdout.write(f"共 {total} 行。")
