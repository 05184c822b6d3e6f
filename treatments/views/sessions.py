"""(being built)"""

from django.http import Http404


def _todo(*args, **kwargs):
    raise Http404


session_start = session_detail = session_edit = session_sign = session_amend = _todo
