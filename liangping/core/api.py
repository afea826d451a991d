"""API building blocks shared by every app's router: tokens, authentication, errors, common schemas.

Authentication: `Authorization: Bearer <token>` (a personal API token) or the Django session of
the web pages; with the session, unsafe methods need the CSRF token, as in the pages.
"""

import datetime as dt
import hashlib
import secrets
from decimal import Decimal
from typing import Annotated, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.pagination import LimitOffsetPagination
from ninja.security import APIKeyCookie, HttpBearer
from pydantic import BeforeValidator, PlainSerializer, field_validator
from pydantic_core import PydanticCustomError

from liangping.core.audit import record
from liangping.core.ids import ID_MAX, ID_MIN
from liangping.core.models import ApiToken, Org, Role, TokenScope, User
from liangping.core.scope import read_only, sees_ledger
from liangping.plaintext import control_char

TOKEN_PREFIX = "lp_"
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _iso_date(value: Any) -> Any:
    """Dates as the schema says (2025-06-30): pydantic would also read 0 or 1700000000 as a timestamp."""
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if number or (isinstance(value, str) and value.strip().lstrip("-").replace(".", "", 1).isdigit()):
        raise PydanticCustomError("date_parsing", "Input should be a valid date")  # 422 “…应为日期”
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]


# --- tokens -----------------------------------------------------------------------------------


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@transaction.atomic
def create_token(
    actor: User,
    user: User,
    name: str,
    *,
    scope: str = TokenScope.WRITE,
    expires_at: dt.datetime | None = None,
) -> tuple[ApiToken, str]:
    """Issue a token for `user`. The raw token is returned once and never stored."""
    name = name.strip()
    if not name:
        raise ValueError("请填写令牌名称（例如用途或对接系统名称）")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:100], key_hash=hash_token(raw), scope=scope, expires_at=expires_at
    )
    changes = {"scope": [None, scope], "expires_at": [None, expires_at.isoformat() if expires_at else None]}
    record(actor, "api_token.create", token, object_repr=f"{user} / {token.name}", changes=changes)
    return token, raw


@transaction.atomic
def revoke_token(actor: User, token: ApiToken, reason: str = "") -> None:
    if token.revoked:
        return
    ApiToken.objects.filter(pk=token.pk).update(revoked=True)
    token.revoked = True
    record(actor, "api_token.revoke", token, changes={"revoked": [False, True]}, reason=reason)


READ_ONLY = "该接口令牌为只读，不能执行修改操作。如需修改，请向安全管理员申请读写令牌。"


def token_for(raw: str) -> ApiToken | None:
    """The unrevoked, unexpired token of an active user matching `raw`, or None."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user", "user__org")
        .filter(key_hash=hash_token(raw), revoked=False)
        .filter(Q(expires_at=None) | Q(expires_at__gt=now))
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def user_for_token(raw: str) -> User | None:
    """The active user holding this unrevoked token, or None."""
    token = token_for(raw)
    return None if token is None else token.user


PROVINCE_READ_ONLY = "省级督查人员只能查看各市数据，不能修改"


def request_token(request: HttpRequest) -> ApiToken | None:
    """The token that authenticates this request (`Authorization: Bearer <token>`), looked up once
    per request: the sign-in gate, the rate limit and the API's authentication all ask. A header
    that is not a valid token gives None, whatever it says."""
    if not hasattr(request, "_lp_api_token"):
        header = request.headers.get("Authorization", "")
        scheme, _, raw = header.partition(" ")
        token = token_for(raw.strip()) if scheme.lower() == "bearer" else None
        request._lp_api_token = token  # type: ignore[attr-defined]
    return request._lp_api_token  # type: ignore[attr-defined,no-any-return]


# --- authentication ---------------------------------------------------------------------------


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = request_token(request)
        if found is None:
            return None
        if found.scope != TokenScope.WRITE and request.method not in SAFE_METHODS:
            raise ApiError(403, READ_ONLY)
        if request.method not in SAFE_METHODS and read_only(found.user):
            raise ApiError(403, PROVINCE_READ_ONLY)
        request._api_auth_kind = "token"  # type: ignore[attr-defined]
        return found.user


class SessionAuth(APIKeyCookie):
    """The pages' session. An anonymous visitor gets 401 (not a CSRF 403); a signed-in one must
    send the CSRF token with unsafe methods."""

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> Any:
        user = request.user
        if not (user.is_authenticated and user.is_active):
            return None
        return super().__call__(request)  # the CSRF check runs here

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        request._api_auth_kind = "session"  # type: ignore[attr-defined]
        return request.user


AUTH = [TokenAuth(), SessionAuth()]


def actor(request: HttpRequest) -> User:
    """The authenticated user of an API request."""
    return request.auth  # type: ignore[attr-defined,no-any-return]


# --- errors -----------------------------------------------------------------------------------


class ApiError(Exception):
    """An error answered as {"detail": message} with the given status."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


class FieldErrors(Exception):
    """422 with one message per field: {"detail": [{"field": ..., "message": ...}]}."""

    def __init__(self, errors: list[tuple[str | None, str]]) -> None:
        super().__init__(errors)
        self.errors = errors


NOT_FOUND = "未找到该记录"


def forbidden(message: str) -> ApiError:
    return ApiError(403, message)


def conflict(message: str) -> ApiError:
    return ApiError(409, message)


def field_error(field: str, message: str) -> FieldErrors:
    return FieldErrors([(field, message)])


def require_ledger(request: HttpRequest) -> User:
    """The user, if they may see ledger data at all; the three administrators may not (404)."""
    user = actor(request)
    if not sees_ledger(user):
        raise ApiError(404, NOT_FOUND)
    return user


# --- common schemas ---------------------------------------------------------------------------


def decimal_str(value: Decimal) -> str:
    return format(value, "f")


# Amounts in 万元: exact decimals, always written as strings in JSON (never floats).
Amount = Annotated[Decimal, PlainSerializer(decimal_str, return_type=str, when_used="always")]
AmountIn = Annotated[Decimal, Field(ge=0, max_digits=16, decimal_places=2)]


class OrgRef(Schema):
    id: int
    name: str
    kind: str


class UserRef(Schema):
    id: int
    name: str


def org_ref(org: Org | None) -> dict[str, Any] | None:
    return None if org is None else {"id": org.pk, "name": org.name, "kind": org.kind}


def user_ref(user: User | None) -> dict[str, Any] | None:
    return None if user is None else {"id": user.pk, "name": user.name}


class BoundedInts(Schema):
    """Every integer a client sends (query filters, body fields, lists of ids) fits a database integer:
    beyond it, a 422 naming the field and the bound, before any query (liangping.core.ids)."""

    @field_validator("*", mode="after")
    @classmethod
    def _fits_the_database(cls, value: Any) -> Any:
        for number in value if isinstance(value, list | tuple | set) else [value]:
            if not isinstance(number, int) or isinstance(number, bool):
                continue
            if number > ID_MAX:
                raise PydanticCustomError("less_than_equal", "Input should be <= {le}", {"le": ID_MAX})
            if number < ID_MIN:
                raise PydanticCustomError("greater_than_equal", "Input should be >= {ge}", {"ge": ID_MIN})
        return value


class QuerySchema(BoundedInts):
    """Query-string filters of a list."""


def _first_control(value: Any) -> str | None:
    if isinstance(value, str):
        return control_char(value)
    if isinstance(value, dict):
        value = [*value.keys(), *value.values()]
    if isinstance(value, list | tuple | set):
        for item in value:
            found = _first_control(item)
            if found is not None:
                return found
    return None


class InputSchema(BoundedInts):
    """Request bodies refuse unknown fields (a misspelt field is an error, not silently ignored),
    trim surrounding spaces from text, so "  " counts as empty, and refuse control characters
    (liangping.plaintext) in any text, with the field named in the 422."""

    model_config = {"extra": "forbid", "str_strip_whitespace": True}

    @field_validator("*", mode="after")
    @classmethod
    def _no_control_characters(cls, value: Any) -> Any:
        found = _first_control(value)
        if found is not None:
            raise PydanticCustomError("control_character", "控制字符 {char}", {"char": found})
        return value


class Pagination(LimitOffsetPagination):
    """limit/offset with the total count: {"items": [...], "count": N}."""

    class Input(Schema):
        limit: int = Field(50, ge=1, le=500, description="每页条数（1–500）")
        # Bounded: SQLite and PostgreSQL refuse an OFFSET beyond a 64-bit integer (a 500, not a 422).
        offset: int = Field(0, ge=0, le=2**31 - 1, description="跳过的条数")


# --- who am I ---------------------------------------------------------------------------------

router = Router(tags=["账户"])


class MeOut(Schema):
    id: int
    username: str
    name: str
    role: str
    role_label: str
    org: OrgRef | None
    sees_ledger: bool
    auth: str


@router.get("/me", response=MeOut, summary="当前用户、角色与所属组织")
def me(request: HttpRequest) -> dict[str, Any]:
    user = actor(request)
    return {
        "id": user.pk,
        "username": user.username,
        "name": user.name,
        "role": user.role,
        "role_label": Role(user.role).label,
        "org": org_ref(user.org),
        "sees_ledger": sees_ledger(user),
        "auth": getattr(request, "_api_auth_kind", "session"),
    }
