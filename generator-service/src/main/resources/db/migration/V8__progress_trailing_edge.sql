-- Progress events are throttled per job; the last report of a burst must still reach clients
-- (the trailing edge). A step keeps its latest report and the one last sent as an event: a step
-- whose two differ has a report to deliver once the job's throttle allows, whichever instance
-- gets there first.
ALTER TABLE job_steps
    ADD COLUMN progress_message      text,
    ADD COLUMN progress_sent         integer,
    ADD COLUMN progress_sent_message text;
