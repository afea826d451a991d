"""Case scope: a case is visible to whoever may see its subject, its lead or co-units, its registrar.

Apps that attach cases to their items (projects now; appeals and stability cases later) register
a function returning the primary keys of the subjects a user may see. The engine stays generic.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from liangping.core.models import ADMIN_ROLES, Role
from liangping.core.scope import AnyUser, org_path, role_of, sees_everything

SubjectScope = Callable[[AnyUser], Any]
_subject_scopes: dict[type[models.Model], SubjectScope] = {}


def register_subject_scope(model: type[models.Model], visible_pks: SubjectScope) -> None:
    _subject_scopes[model] = visible_pks


def case_scope_q(user: AnyUser) -> Q | None:
    """None: everything; Q(pk__in=[]) style empty Q when nothing."""
    if role_of(user) is None or role_of(user) in ADMIN_ROLES:
        return Q(pk__in=[])
    if sees_everything(user):
        return None
    q = Q(registered_by=user)
    path = org_path(user)
    # Units handle cases: a department or district user sees the cases led or co-handled in their subtree.
    # Leaders, specialists and project units see cases through the items they may see.
    if path and role_of(user) in (Role.DEPARTMENT, Role.DISTRICT):
        q |= Q(lead_org__path__startswith=path) | Q(co_orgs__path__startswith=path)
    for model, visible in _subject_scopes.items():
        ct = ContentType.objects.get_for_model(model)
        q |= Q(subject_ct=ct, subject_id__in=visible(user))
    return q
