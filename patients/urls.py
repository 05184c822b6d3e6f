from django.urls import path  # noqa: F401  (views arrive with their features)

app_name = "patients"

urlpatterns: list = []
