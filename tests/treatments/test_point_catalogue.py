"""The point catalogue: WHO codes, every point the clinic's sources name, the leg's meridians complete."""

import importlib

import pytest
from django.apps import apps as global_apps

from treatments.models import AcupuncturePoint, Meridian, Protocol, ProtocolPoint
from treatments.sessions.point_catalogue import (
    AVOID_IN_PREGNANCY,
    CAUTION_IN_PREGNANCY,
    DEFAULT_PROTOCOLS,
    LOWER_LIMB_RANGES,
    POINTS,
    ensure_catalogue,
)

pytestmark = pytest.mark.django_db

# Every point docs/clinical/acupuncture-points.md names (heel pain and neuropathy trials, home care, safety rules).
DOMAIN_POINTS = {
    "KI1": ("Yongquan", "KI"),
    "KI3": ("Taixi", "KI"),
    "BL57": ("Chengshan", "BL"),
    "BL60": ("Kunlun", "BL"),
    "BL67": ("Zhiyin", "BL"),
    "SP6": ("Sanyinjiao", "SP"),
    "SP9": ("Yinlingquan", "SP"),
    "ST36": ("Zusanli", "ST"),
    "ST41": ("Jiexi", "ST"),
    "LR3": ("Taichong", "LR"),
    "GB21": ("Jianjing", "GB"),
    "GB34": ("Yanglingquan", "GB"),
    "GB39": ("Xuanzhong", "GB"),
    "GB41": ("Zulinqi", "GB"),
    "PC7": ("Daling", "PC"),
    "LI4": ("Hegu", "LI"),
    "SHIMIAN": ("Shimian", "EX"),
    "EX-LE10": ("Bafeng", "EX"),
    "ASHI": ("Ashi", "ASHI"),
}


def load_migration():
    return importlib.import_module("treatments.migrations.0003_point_catalogue")


def test_every_point_domain_md_names_is_in_the_catalogue_with_its_pinyin_and_meridian():
    found = {p.code: (p.pinyin, p.meridian) for p in AcupuncturePoint.objects.filter(code__in=DOMAIN_POINTS)}
    assert found == DOMAIN_POINTS


def test_only_li4_sp6_bl60_and_bl67_are_to_be_avoided_in_pregnancy_and_gb21_needs_care():
    avoid = set(AcupuncturePoint.objects.filter(avoid_in_pregnancy=True).values_list("code", flat=True))
    caution = set(AcupuncturePoint.objects.filter(caution_in_pregnancy=True).values_list("code", flat=True))
    assert avoid == {"LI4", "SP6", "BL60", "BL67"}
    assert caution == {"GB21"}
    # The seed lists are what the columns start from; from then on the columns are the one source.
    assert avoid == AVOID_IN_PREGNANCY
    assert caution == CAUTION_IN_PREGNANCY


@pytest.mark.parametrize(("meridian", "numbers"), LOWER_LIMB_RANGES.items())
def test_each_leg_meridian_has_every_point_of_its_range(meridian, numbers):
    in_db = set(AcupuncturePoint.objects.filter(meridian=meridian).values_list("number", flat=True))
    assert set(numbers) <= in_db
    for number in numbers:
        assert AcupuncturePoint.objects.filter(code=f"{meridian}{number}", meridian=meridian, number=number).exists()


def test_the_leg_ranges_are_the_who_ones():
    assert {m: (r.start, r.stop - 1) for m, r in LOWER_LIMB_RANGES.items()} == {
        "KI": (1, 10),
        "BL": (36, 67),
        "SP": (1, 12),
        "ST": (31, 45),
        "LR": (1, 12),
        "GB": (29, 44),
    }


def test_codes_are_unique_and_each_meridian_point_is_named_by_meridian_and_number():
    codes = [row[0] for row in POINTS]
    assert len(codes) == len(set(codes)) == AcupuncturePoint.objects.count()
    for point in AcupuncturePoint.objects.exclude(meridian__in=[Meridian.EXTRA, Meridian.ASHI]):
        assert point.code == f"{point.meridian}{point.number}"


def test_every_point_has_a_pinyin_an_english_name_and_a_short_location():
    for point in AcupuncturePoint.objects.all():
        assert point.pinyin and point.english, point.code
        assert 20 <= len(point.location) <= 160, point.code
        assert point.location.endswith("."), point.code


def test_ashi_points_are_a_kind_of_their_own_located_by_palpation():
    ashi = AcupuncturePoint.objects.get(is_ashi=True)
    assert (ashi.code, ashi.meridian, ashi.number) == ("ASHI", Meridian.ASHI, None)
    assert "palpation" in ashi.location
    assert not AcupuncturePoint.objects.filter(meridian=Meridian.ASHI, is_ashi=False).exists()


def test_the_starting_protocols_hold_their_points():
    for name, (_description, codes) in DEFAULT_PROTOCOLS.items():
        protocol = Protocol.objects.get(name=name)
        assert [pp.point.code for pp in protocol.protocol_points.select_related("point")] == codes
        assert protocol.is_active


def test_running_the_data_migration_again_adds_nothing_twice():
    before = (AcupuncturePoint.objects.count(), Protocol.objects.count(), ProtocolPoint.objects.count())
    load_migration().load_catalogue(global_apps, None)
    assert (AcupuncturePoint.objects.count(), Protocol.objects.count(), ProtocolPoint.objects.count()) == before


def test_after_a_flush_the_catalogue_and_starting_protocols_come_back():
    ProtocolPoint.objects.all().delete()
    Protocol.objects.all().delete()
    AcupuncturePoint.objects.all().delete()
    ensure_catalogue()
    assert AcupuncturePoint.objects.count() == len(POINTS)
    assert set(Protocol.objects.values_list("name", flat=True)) == set(DEFAULT_PROTOCOLS)


def test_putting_the_catalogue_back_keeps_the_clinics_own_changes():
    AcupuncturePoint.objects.filter(code="KI1").update(location="Our wording for the sole point.")
    Protocol.objects.filter(name="Heel pain").update(is_active=False)
    ProtocolPoint.objects.filter(protocol__name="Foot neuropathy").delete()
    AcupuncturePoint.objects.filter(code="GB44").delete()
    ensure_catalogue()
    assert AcupuncturePoint.objects.get(code="KI1").location == "Our wording for the sole point."
    assert AcupuncturePoint.objects.filter(code="GB44").exists()
    assert not Protocol.objects.get(name="Heel pain").is_active
    # A protocol emptied on purpose stays empty: protocols come back only when there are none at all.
    assert not ProtocolPoint.objects.filter(protocol__name="Foot neuropathy").exists()
