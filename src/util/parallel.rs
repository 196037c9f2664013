//! Work spread over the cores, with results in input order so that output
//! never depends on timing. Scoped threads and an atomic counter suffice:
//! the work is a flat list of similar items (one per rule file or code), so
//! a work-stealing pool (rayon) would add a dependency and nothing else.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Below this many items per thread, a thread costs more than it saves.
const MIN_ITEMS_PER_THREAD: usize = 16;
/// Items a thread takes at a time: few enough to balance, enough to keep
/// the shared counter cold.
const BLOCK: usize = 4;
/// A worker's stack: as large as the main thread's (reserved, not used).
const STACK_BYTES: usize = 8 << 20;

/// How many threads to use for `items` items.
pub fn threads(items: usize) -> usize {
    // Asking for the cores reads cgroup files: not for a handful of items.
    if items < 2 * MIN_ITEMS_PER_THREAD {
        return 1;
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    cores.min(items / MIN_ITEMS_PER_THREAD).max(1)
}

/// `f` applied to every item, each thread with its own `state` (made on
/// that thread, so it need not be shareable); results in input order.
pub fn map<T, R, S>(
    items: &[T],
    state: impl Fn() -> S + Sync,
    f: impl Fn(&mut S, &T) -> R + Sync,
) -> Vec<R>
where
    T: Sync,
    R: Send,
{
    let workers = threads(items.len());
    if workers == 1 {
        let mut s = state();
        return items.iter().map(|item| f(&mut s, item)).collect();
    }
    let next = AtomicUsize::new(0);
    let run = || {
        let mut s = state();
        let mut out = Vec::new();
        loop {
            let start = next.fetch_add(BLOCK, Ordering::Relaxed);
            let Some(block) = items.get(start..(start + BLOCK).min(items.len())) else {
                break;
            };
            if block.is_empty() {
                break;
            }
            out.extend(
                block
                    .iter()
                    .enumerate()
                    .map(|(i, item)| (start + i, f(&mut s, item))),
            );
        }
        out
    };
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        // The main thread's stack size, so that nothing deep (templates,
        // nested YAML) fails on a worker that would pass on one thread. A
        // worker that cannot start leaves its share to the others.
        let handles: Vec<_> = (1..workers)
            .filter_map(|_| {
                std::thread::Builder::new()
                    .stack_size(STACK_BYTES)
                    .spawn_scoped(scope, run)
                    .ok()
            })
            .collect();
        let mut all = run();
        for handle in handles {
            // A panicking worker is a bug; carry the panic to the caller.
            match handle.join() {
                Ok(part) => all.extend(part),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        all
    });
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_keep_input_order() {
        let items: Vec<usize> = (0..1000).collect();
        let out = super::map(
            &items,
            || 0usize,
            |calls, i| {
                *calls += 1;
                i * 2
            },
        );
        assert_eq!(out, items.iter().map(|i| i * 2).collect::<Vec<_>>());
        assert!(super::map(&[] as &[u8], || (), |_, b| *b).is_empty());
    }
}
