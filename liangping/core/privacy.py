"""Personal data shown only to those who need it (等保2.0 三级 个人信息保护; 个人信息保护法 最小必要).

Masking: 138****8000 for a mobile number, 110105********0123 for an ID number. Each keeps the
length and every non-digit character in place, so a masked value still reads as what it is.

Who sees what in full (the policy the projects app applies to 联系电话 and a specialist's phone):

| who | phone numbers | ID numbers |
|---|---|---|
| supervisor (督查人员) | full: they call every project | masked; 显示 (audited) |
| the item's own specialist (项目专员) and project unit (项目单位) | full | masked; 显示 (audited) |
| city leader, department and district users | masked; 显示 (audited) | masked; 显示 (audited) |
| the three administrators | no ledger access at all | — |
| the public screen and the disclosure | never shown | never shown |
| the system administrator's user pages | full (account management) | — |

The 显示 button on a detail page posts to the app, which checks scope, returns the full value and
writes an audit entry (action "<noun>.show", the field, no value).
"""

from __future__ import annotations

from collections.abc import Iterable

from liangping.core.models import Role, User
from liangping.core.scope import AnyUser

MASK = "*"
FULL_PHONE_ROLES = frozenset({Role.SUPERVISOR})
FULL_ID_ROLES: frozenset[str] = frozenset()  # nobody by role: always through the audited 显示


def _mask_digits(value: str, keep_head: int, keep_tail: int) -> str:
    """Replace the digits (and ID letters such as a final X) between the first `keep_head` and the last
    `keep_tail` of them with *, leaving other characters where they are. A * already there counts as a
    digit, so masking a masked value changes nothing."""
    positions = [i for i, ch in enumerate(value) if ch.isdigit() or ch in "Xx" or ch == MASK]
    n = len(positions)
    if keep_head + keep_tail >= n:
        keep_head, keep_tail = 0, 0 if n < 4 else n // 4
    hidden = set(positions[keep_head : n - keep_tail])
    return "".join(MASK if i in hidden else ch for i, ch in enumerate(value))


def mask_phone(value: str | None) -> str:
    """138****8000: a mobile number keeps its first 3 and last 4 digits; shorter numbers (landlines
    without area code, extensions) keep at most their last quarter; nothing else is revealed."""
    if not value:
        return ""
    digits = sum(ch.isdigit() or ch == MASK for ch in value)
    if digits >= 11:
        return _mask_digits(value, 3, 4)
    return _mask_digits(value, 0, digits // 4)


def mask_id_number(value: str | None) -> str:
    """110105********0123: an ID number keeps the 6-digit region code and the last 4 characters."""
    if not value:
        return ""
    if len(value.strip()) >= 15:
        return _mask_digits(value, 6, 4)
    return _mask_digits(value, 0, 0)


def may_see_full_phone(
    user: AnyUser | None, *, own_users: Iterable[int | None] = (), own_orgs: Iterable[int | None] = ()
) -> bool:
    """Full phone numbers for the supervisor and for the item's own people: `own_users` (e.g. its
    specialist) and members of `own_orgs` (e.g. its project unit). Everyone else sees them masked."""
    if not isinstance(user, User) or not user.is_authenticated or not user.is_active:
        return False
    if user.role in FULL_PHONE_ROLES:
        return True
    if user.pk is not None and user.pk in set(own_users):
        return True
    return user.role == Role.OWNER and user.org_id is not None and user.org_id in set(own_orgs)


def phone_for(
    user: AnyUser | None,
    value: str | None,
    *,
    own_users: Iterable[int | None] = (),
    own_orgs: Iterable[int | None] = (),
) -> str:
    """The phone number as `user` may see it without asking: full or masked."""
    if may_see_full_phone(user, own_users=own_users, own_orgs=own_orgs):
        return value or ""
    return mask_phone(value)


def is_masked(value: str) -> bool:
    return MASK in value
