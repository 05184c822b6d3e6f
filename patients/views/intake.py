"""(being built)"""
from django.http import Http404


def _todo(*args, **kwargs):
    raise Http404


intake_edit = diagnosis_add = diagnosis_edit = consent_add = consent_withdraw = _todo
