//! Offset/limit pagination: walks the pages of a list operation and yields every item.
//!
//! Generated code supplies one closure that fetches the page at a given offset; this module
//! decides when to stop. Operations opt in with the `x-pagination` extension in the spec.
//!
//! A server that ignores the offset would otherwise be walked forever, so the stream also stops,
//! with [`Error::Pagination`], when a page repeats the previous page's items, when the offset
//! cannot advance any further, and after the client's page limit
//! ([`ClientBuilder::max_pages`](crate::runtime::ClientBuilder::max_pages)).

use crate::runtime::error::Error;
use futures_core::Stream;
use std::collections::VecDeque;
use std::future::Future;

/// The default most pages one stream fetches: 10 000.
pub const DEFAULT_MAX_PAGES: u64 = 10_000;

/// One page as the generated code reads it from a list response.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// The total number of items, when the response gives it.
    pub total: Option<i64>,
}

/// Where a stream of pages is; `E` is the operation's documented error type.
struct Walk<T, F, E: std::fmt::Debug> {
    fetch: F,
    offset: i64,
    buffer: VecDeque<T>,
    /// The items of the last page, to tell a page that repeats it.
    previous: Vec<T>,
    pages: u64,
    max_pages: u64,
    /// Why the walk stops once the buffered items are yielded.
    stop: Option<Error<E>>,
    done: bool,
}

impl<T: PartialEq + Clone, F, E: std::fmt::Debug> Walk<T, F, E> {
    /// Takes in a fetched page: buffers its items and decides whether another page follows.
    fn accept(&mut self, page: Page<T>) {
        self.pages = self.pages.saturating_add(1);
        if page.items.is_empty() {
            self.done = true;
        } else if page.items == self.previous {
            self.stop = Some(self.stopped(format!(
                "page {} repeats the items of the page before it; the service seems to ignore \
                 the offset",
                self.pages
            )));
        } else {
            self.advance(page);
        }
    }

    /// Moves the offset past a new page and buffers its items.
    fn advance(&mut self, page: Page<T>) {
        let received = i64::try_from(page.items.len()).unwrap_or(i64::MAX);
        match self.offset.checked_add(received) {
            Some(offset) => self.offset = offset,
            None => {
                self.stop = Some(self.stopped(
                    "the offset cannot advance past the largest 64-bit integer".to_owned(),
                ));
            }
        }
        self.done = page.total.is_some_and(|total| self.offset >= total);
        if !self.done && self.stop.is_none() && self.pages >= self.max_pages {
            self.stop = Some(self.stopped(format!(
                "the service still has pages after the limit of {} pages; raise it with \
                 ClientBuilder::max_pages if the list really is that long",
                self.max_pages
            )));
        }
        self.previous.clone_from(&page.items);
        self.buffer.extend(page.items);
    }

    fn stopped(&self, reason: String) -> Error<E> {
        Error::Pagination {
            pages: self.pages,
            reason,
        }
    }
}

/// Yields every item of every page, starting at `start`, fetching the next page only when the
/// current one is used up. It stops after an empty page or when the offset reaches the total.
/// It stops with an error, yielded as the last item, after a failed fetch, at a page that
/// repeats the previous one, when the offset cannot advance, and when `max_pages` pages were
/// fetched and the service still has more.
pub fn offset_stream<T, F, Fut, E>(
    max_pages: u64,
    start: i64,
    fetch: F,
) -> impl Stream<Item = Result<T, Error<E>>>
where
    T: PartialEq + Clone,
    F: FnMut(i64) -> Fut,
    Fut: Future<Output = Result<Page<T>, Error<E>>>,
    E: std::fmt::Debug,
{
    let walk = Walk {
        fetch,
        offset: start,
        buffer: VecDeque::new(),
        previous: Vec::new(),
        pages: 0,
        max_pages: max_pages.max(1),
        stop: None,
        done: false,
    };
    futures_util::stream::unfold(walk, |mut walk| async move {
        loop {
            if let Some(item) = walk.buffer.pop_front() {
                return Some((Ok(item), walk));
            }
            if let Some(error) = walk.stop.take() {
                walk.done = true;
                return Some((Err(error), walk));
            }
            if walk.done {
                return None;
            }
            match (walk.fetch)(walk.offset).await {
                Ok(page) => walk.accept(page),
                Err(error) => walk.stop = Some(error),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt as _;

    fn block_on<F: Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(future)
    }

    /// Collects the stream, recording the offsets fetched.
    fn walk(
        max_pages: u64,
        pages: impl Fn(i64) -> Page<u32>,
    ) -> (Vec<Result<u32, String>>, Vec<i64>) {
        let offsets = std::sync::Mutex::new(Vec::new());
        let stream = offset_stream(max_pages, 0, |offset| {
            offsets.lock().unwrap().push(offset);
            let page = pages(offset);
            async move { Ok::<_, Error>(page) }
        });
        let items = block_on(
            stream
                .map(|item| item.map_err(|error| error.to_string()))
                .collect::<Vec<_>>(),
        );
        (items, offsets.into_inner().unwrap())
    }

    #[test]
    fn walks_until_the_total() {
        let (items, offsets) = walk(100, |offset| Page {
            items: (offset..(offset + 2).min(5)).map(|i| i as u32).collect(),
            total: Some(5),
        });
        assert_eq!(items, [0, 1, 2, 3, 4].map(Ok));
        assert_eq!(offsets, [0, 2, 4]);
    }

    #[test]
    fn a_server_that_ignores_the_offset_is_stopped_at_the_second_page() {
        let (items, offsets) = walk(100, |_| Page {
            items: vec![7, 8],
            total: None,
        });
        assert_eq!(items.len(), 3, "{items:?}");
        assert_eq!(items[..2], [Ok(7), Ok(8)]);
        let error = items[2].as_ref().unwrap_err();
        assert!(
            error.starts_with("paging stopped after 2 page(s): page 2 repeats the items"),
            "{error}"
        );
        assert_eq!(offsets, [0, 2]);
    }

    #[test]
    fn endless_pages_stop_at_the_page_limit() {
        let (items, offsets) = walk(3, |offset| Page {
            items: vec![offset as u32],
            total: None,
        });
        assert_eq!(items[..3], [Ok(0), Ok(1), Ok(2)]);
        let error = items[3].as_ref().unwrap_err();
        assert!(error.contains("limit of 3 pages"), "{error}");
        assert!(error.contains("ClientBuilder::max_pages"), "{error}");
        assert_eq!(offsets, [0, 1, 2]);
        // Exactly at the limit with the total reached is no error.
        let (items, _) = walk(2, |offset| Page {
            items: vec![offset as u32],
            total: Some(2),
        });
        assert_eq!(items, [Ok(0), Ok(1)]);
    }

    #[test]
    fn the_offset_never_overflows() {
        let stream = offset_stream(10, i64::MAX - 1, |offset| async move {
            Ok::<_, Error>(Page {
                items: vec![offset, offset],
                total: None,
            })
        });
        let items = block_on(stream.collect::<Vec<_>>());
        assert_eq!(items.len(), 3, "the page's items, then the error");
        assert!(items[0].is_ok() && items[1].is_ok());
        let error = items[2].as_ref().unwrap_err().to_string();
        assert!(error.contains("cannot advance"), "{error}");
    }
}
