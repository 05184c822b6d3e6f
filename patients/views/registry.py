"""(being built)"""
from django.http import Http404


def _todo(*args, **kwargs):
    raise Http404


patient_list = patient_register = patient_edit = patient_archive = patient_restore = _todo
