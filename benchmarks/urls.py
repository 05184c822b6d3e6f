"""The app's URLs plus the reference view; `make bench` serves these with ROOT_URLCONF=benchmarks.urls."""

from django.urls import include, path

from benchmarks.reference import reference

urlpatterns = [
    path("bench/reference/", reference, name="bench_reference"),
    path("", include("clinic.urls")),
]
