"""The screen's chunks on a Dask cluster (``distributed``): featurization by blocks of molecules,
then blocks of the polymer × solvent grid, each a task; the client writes every result to the
same parts folder as the single-process run, so the output file is the same.

Tasks are pure functions of their arguments (the screen passes its ``featurize_block`` and
``grid_chunk``; each worker loads the model once), so a task lost with
a worker is simply run again on another: the scheduler reschedules it, and ``retries`` covers a
task that fails. At most a few tasks per worker are in flight, so the client's memory stays bounded.
Workers need this package installed (``pip install chiapp[screen]``); they read no files.
"""

from __future__ import annotations

import uuid

from chiapp.errors import InputError

__all__ = ["run_dask", "connect"]

_RETRIES = 3
_IN_FLIGHT_PER_WORKER = 3


def connect(scheduler=None, n_workers: int = 2):
    """(client, cluster or None): a Client on ``scheduler`` (an address or a Client), or on a new
    LocalCluster of ``n_workers`` single-threaded processes with one BLAS thread each."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise InputError("the Dask engine needs dask and distributed: pip install 'chiapp[screen]'") from None
    if scheduler is not None and not isinstance(scheduler, str):
        return scheduler, None
    if scheduler:
        try:
            return Client(scheduler, timeout="30s"), None
        except OSError as err:
            raise InputError(f"cannot reach the Dask scheduler at {scheduler}: {err}") from None
    env = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
    cluster = LocalCluster(n_workers=int(n_workers), threads_per_worker=1, processes=True,
                           dashboard_address=None, env=env)
    return Client(cluster), cluster


def run_dask(run, feature_jobs, grid_jobs, options, bar, hook, scheduler, n_workers, *, featurize, grid) -> None:
    """Run the screen's jobs on a cluster: ``featurize(role, texts, first, excluded)`` per block of
    molecules, then ``grid(polymers, solvents, options)`` per chunk; results go through ``run``."""
    from distributed import as_completed

    client, cluster = connect(scheduler, n_workers)
    try:
        limit = max(2, _IN_FLIGHT_PER_WORKER * max(1, len(client.scheduler_info().get("workers", {})) or 1))

        def pump(jobs, submit, finish, stage):
            jobs = iter(jobs)
            pending, done, job_of = as_completed(), 0, {}
            for _ in range(limit):
                job = next(jobs, None)
                if job is None:
                    break
                future = submit(job)
                job_of[future.key] = job
                pending.add(future)
            for future in pending:
                finish(job_of.pop(future.key), future.result())
                future.release()
                done += 1
                hook(stage, done)
                bar.update()
                job = next(jobs, None)
                if job is not None:
                    future = submit(job)
                    job_of[future.key] = job
                    pending.add(future)

        todo = [job for job in feature_jobs if run.feature(job[0], job[1]) is None]
        bar.update(len(feature_jobs) - len(todo))

        def submit_features(job):
            role, block, texts, first, excluded = job
            return client.submit(featurize, role, list(texts), first, excluded, pure=False,
                                 retries=_RETRIES, key=f"chiapp-features-{role}-{block}-{uuid.uuid4().hex}")

        pump(todo, submit_features, lambda job, arrays: run.save_feature(job[0], job[1], arrays), "features")

        todo = [job for job in grid_jobs if run.chunk(*job) is None]
        bar.update(len(grid_jobs) - len(todo))
        # The blocks travel inside each task (not scattered): a task lost with its worker can then
        # run again anywhere, which scattered data, gone with the worker, would not allow.
        polymers = {i: run.feature("polymer", i) for i in sorted({i for i, _ in todo})}
        solvents: dict = {}

        def submit_grid(job):
            i, j = job
            if j not in solvents:
                solvents.clear()  # jobs come solvent block by solvent block: hold one at a time
                solvents[j] = run.feature("solvent", j)
            return client.submit(grid, polymers[i], solvents[j], options, pure=False, retries=_RETRIES,
                                 key=f"chiapp-grid-{i}-{j}-{uuid.uuid4().hex}")

        pump(todo, submit_grid, lambda job, rows: run.save_chunk(*job, rows), "grid")
    finally:
        if cluster is not None:
            client.close()
            cluster.close()
