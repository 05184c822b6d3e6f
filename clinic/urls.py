from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from clinic import views
from clinic.forms import StaffLoginForm
from patients import urls as patient_urls
from treatments.plans.views.chart import patient_chart

# The composition root: the only module in clinic/ that knows the apps.
# The patient chart gathers the diary, sessions and progress, so it lives in treatments/ (patients/ never
# imports treatments/); it keeps its address and name under the patients namespace.
patient_patterns = [
    *patient_urls.urlpatterns,
    # The chart: demographics for all, clinical sections for clinicians only.
    path("<uuid:public_id>/", patient_chart, name="chart"),
]

admin.site.site_header = "Foot Clinic administration"
admin.site.site_title = "Foot Clinic admin"
admin.site.index_title = "Staff and settings"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=StaffLoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("patients/", include((patient_patterns, patient_urls.app_name))),
    path("treatments/", include("treatments.urls")),
    path("admin/", admin.site.urls),
]
