"""(being built)"""

from django.http import Http404


def _todo(*args, **kwargs):
    raise Http404


plan_progress_page = patient_progress_page = follow_up = relief_rule = _todo
