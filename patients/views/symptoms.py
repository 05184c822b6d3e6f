"""(being built)"""
from django.http import Http404


def _todo(*args, **kwargs):
    raise Http404


symptom_history = symptom_add = _todo
