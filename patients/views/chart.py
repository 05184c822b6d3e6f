"""(being built)"""
from django.http import Http404


def patient_chart(*args, **kwargs):
    raise Http404
