from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    # Clinic admins only: who opened a patient's record, and what one member of staff saw and changed.
    path("patients/<uuid:public_id>/", views.patient_access_log, name="patient_log"),
    path("users/<int:pk>/", views.user_activity, name="user_activity"),
]
