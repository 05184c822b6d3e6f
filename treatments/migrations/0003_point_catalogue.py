from django.db import migrations

from treatments.point_catalogue import POINTS

PROTOCOLS = {
    "Heel pain": (
        "Plantar heel pain: distal and local points used in trials.",
        ["PC7", "ASHI", "BL57", "KI3", "BL60", "SHIMIAN"],
    ),
    "Foot neuropathy": (
        "Numbness, tingling and burning of the feet; KI3–KI1 and ST41–LR3 suit electroacupuncture pairs.",
        ["ST36", "SP6", "SP9", "LR3", "GB39", "GB41", "EX-LE10", "KI3", "KI1", "ST41"],
    ),
}


def load_catalogue(apps, schema_editor):
    Point = apps.get_model("treatments", "AcupuncturePoint")
    for code, pinyin, english, meridian, number, location, avoid, caution in POINTS:
        Point.objects.update_or_create(
            code=code,
            defaults={
                "pinyin": pinyin,
                "english": english,
                "meridian": meridian,
                "number": number,
                "location": location,
                "avoid_in_pregnancy": avoid,
                "caution_in_pregnancy": caution,
                "is_ashi": meridian == "ASHI",
            },
        )
    Protocol = apps.get_model("treatments", "Protocol")
    ProtocolPoint = apps.get_model("treatments", "ProtocolPoint")
    for name, (description, codes) in PROTOCOLS.items():
        protocol, created = Protocol.objects.get_or_create(name=name, defaults={"description": description})
        if created:
            for code in codes:
                ProtocolPoint.objects.create(protocol=protocol, point=Point.objects.get(code=code), side="both")


class Migration(migrations.Migration):
    dependencies = [("treatments", "0002_sessions")]

    operations = [migrations.RunPython(load_catalogue, migrations.RunPython.noop)]
