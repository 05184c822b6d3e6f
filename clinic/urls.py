from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from clinic import staff_views, two_factor_views, views
from clinic.forms import StaffLoginForm
from clinic.password_views import ThrottledPasswordChangeView
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
admin.site.index_title = "Clinic settings"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=StaffLoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # A wrong old password counts toward the sign-in lockout (clinic/password_views.py).
    path("accounts/password/", ThrottledPasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/two-factor/", two_factor_views.enrol, name="two_factor"),
    path("accounts/two-factor/backup-codes/", two_factor_views.backup_codes, name="two_factor_backup_codes"),
    path("accounts/two-factor/verify/", two_factor_views.verify, name="two_factor_verify"),
    path("accounts/keep-alive/", two_factor_views.keep_alive, name="keep_alive"),
    # The set-password link the staff page emails (Django's reset views: public, one-use token).
    path(
        "accounts/set-password/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(template_name="clinic/staff_password_set.html"),
        name="password_reset_confirm",
    ),
    path(
        "accounts/set-password/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="clinic/staff_password_set_done.html"),
        name="password_reset_complete",
    ),
    path("staff/", staff_views.staff_list, name="staff_list"),
    path("staff/new/", staff_views.staff_add, name="staff_add"),
    path("staff/<int:pk>/", staff_views.staff_detail, name="staff_detail"),
    path("staff/<int:pk>/deactivate/", staff_views.staff_deactivate, name="staff_deactivate"),
    path("staff/<int:pk>/reactivate/", staff_views.staff_reactivate, name="staff_reactivate"),
    path("staff/<int:pk>/password/", staff_views.staff_password, name="staff_password"),
    path("patients/", include((patient_patterns, patient_urls.app_name))),
    path("treatments/", include("treatments.urls")),
    path("audit/", include("audit.urls")),
    path("admin/", admin.site.urls),
]
