from django.db import migrations

from treatments.sessions.point_catalogue import DEFAULT_PROTOCOLS, POINTS, point_fields


def load_catalogue(apps, schema_editor):
    """Idempotent: running it again brings the catalogue text in step and adds nothing twice."""
    Point = apps.get_model("treatments", "AcupuncturePoint")
    for row in POINTS:
        Point.objects.update_or_create(code=row[0], defaults=point_fields(row))
    Protocol = apps.get_model("treatments", "Protocol")
    ProtocolPoint = apps.get_model("treatments", "ProtocolPoint")
    for name, (description, codes) in DEFAULT_PROTOCOLS.items():
        protocol, created = Protocol.objects.get_or_create(name=name, defaults={"description": description})
        if created:
            for code in codes:
                ProtocolPoint.objects.create(protocol=protocol, point=Point.objects.get(code=code), side="both")


class Migration(migrations.Migration):
    dependencies = [("treatments", "0002_sessions")]

    operations = [migrations.RunPython(load_catalogue, migrations.RunPython.noop)]
