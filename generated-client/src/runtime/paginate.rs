//! Offset/limit pagination: walks the pages of a list operation and yields every item.
//!
//! Generated code supplies one closure that fetches the page at a given offset; this module
//! decides when to stop. Operations opt in with the `x-pagination` extension in the spec.

use crate::runtime::Error;
use futures_core::Stream;
use std::collections::VecDeque;
use std::future::Future;

/// One page as the generated code reads it from a list response.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// The total number of items, when the response gives it.
    pub total: Option<i64>,
}

/// Yields every item of every page, starting at `start`, fetching the next page only when the
/// current one is used up. It stops after an empty page, when the offset reaches the total, or
/// after the first error (which is yielded).
pub fn offset_stream<T, F, Fut>(start: i64, fetch: F) -> impl Stream<Item = Result<T, Error>>
where
    F: FnMut(i64) -> Fut,
    Fut: Future<Output = Result<Page<T>, Error>>,
{
    let state = (fetch, start, VecDeque::<T>::new(), false);
    futures_util::stream::unfold(
        state,
        |(mut fetch, mut offset, mut buffer, mut done)| async move {
            loop {
                if let Some(item) = buffer.pop_front() {
                    return Some((Ok(item), (fetch, offset, buffer, done)));
                }
                if done {
                    return None;
                }
                match fetch(offset).await {
                    Err(error) => return Some((Err(error), (fetch, offset, buffer, true))),
                    Ok(page) => {
                        let received = page.items.len() as i64;
                        offset += received;
                        done = received == 0 || page.total.is_some_and(|total| offset >= total);
                        buffer.extend(page.items);
                    }
                }
            }
        },
    )
}
