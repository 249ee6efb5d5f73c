/**
 * A fixed number of workers pulling jobs until there are none: exactly `concurrency` requests in flight
 * while work remains, with no batching gaps (a worker takes the next job as soon as its last one ends).
 */

export async function runPool<Job>(
  concurrency: number,
  /** The next job, or undefined when there is no more work (checked again by every idle worker). */
  nextJob: () => Job | undefined,
  work: (job: Job) => Promise<void>,
): Promise<void> {
  const worker = async (): Promise<void> => {
    for (let job = nextJob(); job !== undefined; job = nextJob()) await work(job);
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
}
