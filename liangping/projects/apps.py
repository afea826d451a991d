from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "liangping.projects"
    label = "projects"
    verbose_name = "重点项目"

    def ready(self) -> None:
        from liangping.cases.scope import register_subject_scope
        from liangping.projects.models import Project

        register_subject_scope(Project, lambda user: Project.objects.visible_to(user).values("pk"))

        from liangping.projects import exports, imports

        imports.register()
        exports.register()
