from django.core.management import call_command
from django.core.management.base import BaseCommand
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_rq.backend import RQBackend

from press.delivery import resume_deliveries


class Command(BaseCommand):
    help = (
        "Run the background worker that sends press emails (django-tasks-db's db_worker, or an "
        "RQ worker with its scheduler when the tasks queue on Redis), first queueing again the "
        "sends a stopped worker left unfinished."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Seconds to wait before looking for new work when there is none (default 1).",
        )
        parser.add_argument(
            "--resume-only",
            action="store_true",
            help=(
                "Only queue again the unfinished sends, then stop: for sites whose tasks run "
                "elsewhere, after their workers were restarted."
            ),
        )
        parser.add_argument(
            "--batch",
            action="store_true",
            help="Do the work waiting now, then stop (for a scheduled job instead of a service).",
        )

    def handle(
        self, *args, interval: float, batch: bool, resume_only: bool, verbosity: int, **options
    ) -> None:
        resumed = resume_deliveries()
        if resumed or resume_only:
            self.stdout.write(self.style.WARNING(f"Resuming {resumed} unfinished press send(s)."))
        if resume_only:
            return
        backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
        if isinstance(backend, RQBackend):
            # The scheduler runs the delayed tasks: retries, and sends waiting for a publish time.
            call_command(
                "rqworker",
                *sorted(backend.queues),
                with_scheduler=True,
                job_class="django_tasks_rq.Job",
                burst=batch,
                verbosity=verbosity,
                stdout=self.stdout,
                stderr=self.stderr,
            )
            return
        call_command(
            "db_worker",
            interval=interval,
            batch=batch,
            reload=False,
            startup_delay=False,
            verbosity=verbosity,
            stdout=self.stdout,
            stderr=self.stderr,
        )
