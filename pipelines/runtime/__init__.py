"""Runtime: how stages run, whatever they compute.

``steps`` (the Step base class and the record documents travel in), ``executor``
(one worker-pool abstraction: in-process or a process pool, results in input order),
``stage`` (a per-dump stage: skip if unchanged, steps over batches, rows replaced in
one transaction), ``ids`` (stable identifiers).
"""
