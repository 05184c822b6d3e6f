"""The point catalogue as the session form offers it: grouped choices, and a field that takes a WHO code."""

from django import forms

from treatments.models import AcupuncturePoint, Meridian


class PointCatalogue:
    """Every point, read in one query, as grouped select choices and a lookup by code."""

    def __init__(self, points: list[AcupuncturePoint], *, pregnant: bool = False):
        order = {value: index for index, value in enumerate(Meridian.values)}
        self.points = sorted(points, key=lambda p: (order.get(p.meridian, 99), p.number or 0, p.code))
        self.by_code = {point.code.upper(): point for point in self.points}
        self.ashi_codes = [point.code for point in self.points if point.is_ashi]
        groups: dict[str, list[tuple[str, str]]] = {}
        for point in self.points:
            # "KI3 Taixi"; extra points named by their pinyin read "Shimian (sound sleep)".
            if point.pinyin.upper() == point.code.upper():
                label = f"{point.pinyin} ({point.english.lower()})"
            else:
                label = f"{point.code} {point.pinyin}"
            if pregnant and point.avoid_in_pregnancy:
                label += " (avoid in pregnancy)"
            groups.setdefault(Meridian(point.meridian).label, []).append((point.code, label))
        self.choices = [("", "Choose a point"), *groups.items()]

    @classmethod
    def load(cls, *, pregnant: bool = False) -> "PointCatalogue":
        return cls(list(AcupuncturePoint.objects.all()), pregnant=pregnant)

    def get(self, code: str) -> AcupuncturePoint | None:
        return self.by_code.get((code or "").strip().upper())


class PointField(forms.Field):
    """A point chosen by its WHO code; an unknown code is refused at the field that carries it."""

    widget = forms.Select

    def __init__(self, *, catalogue: PointCatalogue, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.catalogue = catalogue
        self.widget.choices = catalogue.choices

    def to_python(self, value):
        if value in self.empty_values:
            return None
        point = self.catalogue.get(str(value))
        if point is None:
            raise forms.ValidationError(
                "There is no point “%(code)s” in the catalogue. Choose one from the list.",
                code="unknown_point",
                params={"code": str(value)[:20]},
            )
        return point

    def prepare_value(self, value):
        return value.code if isinstance(value, AcupuncturePoint) else value
