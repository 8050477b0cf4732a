"""Token authentication for systems: ``Authorization: Token <key>``, checked against a hash."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from fengqiao.accounts.models import ACTING_UNIT_ATTRIBUTE, remember_memberships
from fengqiao.api.models import ApiToken, hash_key
from fengqiao.core.generation import Memo

# last_used_at is for operators ("is this token still in use?"): a minute's precision is
# enough and spares a write on every request.
LAST_USED_PRECISION = timedelta(minutes=1)


def _load_tokens() -> dict[str, ApiToken]:
    live = ApiToken.objects.filter(revoked_at__isnull=True, user__is_active=True)
    return {token.key_hash: token for token in live.select_related("user", "unit")}


# The live tokens by key hash, per process, reloaded when a token, user or unit changes
# (core.generation): revoking a token in the admin refuses it on the very next request.
_tokens = Memo(_load_tokens)
# When this process last wrote each token's last_used_at (key hash → time).
_noted: dict[str, datetime] = {}


def token_for_key(key: str) -> ApiToken | None:
    """The live ApiToken whose key this is (its user active), or None; notes its last use.

    The one check of a raw key, for the ``Token`` header here and Open311's ``api_key``.
    The token and its user are this request's own copies: the caller may mark them."""
    shared = _tokens.get().get(hash_key(key))
    if shared is None:
        return None
    token, user = copy.copy(shared), copy.copy(shared.user)
    token.user = user
    now = timezone.now()
    # The copy's last_used_at is as loaded (on PostgreSQL the update below does not reload it),
    # so this process remembers when it last noted each token.
    last = max(filter(None, (token.last_used_at, _noted.get(token.key_hash))), default=None)
    if last is None or now - last > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        _noted[token.key_hash] = token.last_used_at = now
    return token


def acting_user(token: ApiToken) -> Any:
    """The token's user, narrowed to the token's unit: a service account that also holds a
    role elsewhere acts, through this token, only with its role(s) in the token's unit."""
    user = token.user
    setattr(user, ACTING_UNIT_ATTRIBUTE, token.unit_id)
    # The instance is this request's own (loaded with the token), so its roles, needed by the
    # scope, the permission checks and the list of allowed actions, are loaded once.
    remember_memberships(user)
    return user


class TokenAuthentication(BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise AuthenticationFailed(_("令牌格式不正确，应为“Token <令牌>”。"))
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise AuthenticationFailed(_("令牌无效或已撤销。")) from exc
        token = token_for_key(key)
        if token is None:
            raise AuthenticationFailed(_("令牌无效或已撤销。"))
        return acting_user(token), token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class TokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "fengqiao.api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Token <key>（在管理后台创建）",
        }
