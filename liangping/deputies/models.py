"""People's congress deputies and political consultative members at the project front line: the
projects they are attached to, their site visits (视察调研) with photos, and the projects a proposal
(a case of the `proposal` kind) concerns."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from liangping.cases.models import Case
from liangping.core.models import Role
from liangping.core.scope import AnyUser, city_scope, role_of
from liangping.projects.models import Project


class DeputyProject(models.Model):
    """A deputy or member attached to a key project (联系项目), by the supervision office."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="deputy_projects"
    )
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="deputy_links")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["user", "project__code"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "project"], name="deputies_link_once"),
        ]
        verbose_name = "联系项目"
        verbose_name_plural = "联系项目"

    def __str__(self) -> str:
        return f"{self.user_id} {self.project_id}"


class SiteVisitQuerySet(models.QuerySet["SiteVisit"]):
    def visible_to(self, user: AnyUser) -> SiteVisitQuerySet:
        """The visitor their own; the supervisor their city's; the project's people (who see its
        site visits) those on projects they see; project units none."""
        role = role_of(user)
        if role is None or role in (Role.OWNER, Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR):
            return self.none()
        if role in (Role.DEPUTY, Role.MEMBER):
            return self.filter(visitor=user)
        if role == Role.SUPERVISOR:
            tenant = city_scope(user)
            return self if tenant is None else self.filter(project__district__tenant_id=tenant)
        return self.filter(Q(project__in=Project.objects.visible_to(user).values("pk")))


class SiteVisit(models.Model):
    """视察调研: a deputy's or member's visit to a project site, with findings and photos."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="deputy_visits")
    visitor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    date = models.DateField("视察日期")
    findings = models.TextField("视察情况")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SiteVisitQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-date", "-id"]
        verbose_name = "视察调研"
        verbose_name_plural = "视察调研"

    def __str__(self) -> str:
        return f"{self.project_id} {self.date}"


class SiteVisitPhoto(models.Model):
    visit = models.ForeignKey(SiteVisit, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(upload_to="deputies/%Y/%m/")
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    original_name = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return self.original_name or str(self.image.name)


class ProposalProject(models.Model):
    """A project a proposal or suggestion concerns."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering: ClassVar = ["case", "project__code"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["case", "project"], name="deputies_proposal_project"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.project_id}"
