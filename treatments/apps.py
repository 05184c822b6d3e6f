from django.apps import AppConfig
from django.db.models.signals import post_migrate


class TreatmentsConfig(AppConfig):
    name = "treatments"
    verbose_name = "Treatments and scheduling"

    def ready(self) -> None:
        from treatments.progress.published_figures import ensure_published_figures
        from treatments.sessions.point_catalogue import ensure_catalogue

        # Migration 0003 loads the point catalogue; this puts it back after a flush (tests).
        post_migrate.connect(ensure_catalogue, sender=self, dispatch_uid="treatments.ensure_catalogue")
        # Migration 0008 loads the published reference figures; this puts them back after a flush.
        post_migrate.connect(ensure_published_figures, sender=self, dispatch_uid="treatments.ensure_published_figures")
