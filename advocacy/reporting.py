"""Error reports that cannot carry what a relative typed."""

from django.views.debug import SafeExceptionReporterFilter


class PrivateRequestFilter(SafeExceptionReporterFilter):
    """Hide every frame's variables for a request that carries private fields.

    Django hides variables only in frames marked with sensitive_variables; a crash deep in
    the ORM or a form would still show the submitter's name in a model's constructor.
    """

    def is_active(self, request):
        """Filter with DEBUG on as well: `make run` at the office may hold real reports."""
        return True

    def get_traceback_frame_variables(self, request, tb_frame):
        if request is not None and getattr(request, "sensitive_post_parameters", None):
            return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]
        return super().get_traceback_frame_variables(request, tb_frame)
