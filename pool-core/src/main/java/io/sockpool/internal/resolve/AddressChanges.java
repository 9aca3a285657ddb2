package io.sockpool.internal.resolve;

/** What the pool does when a name's addresses change; {@link Names} calls it. */
public interface AddressChanges {
  /**
   * The book's addresses changed (called in the thread that ended the lookup).
   *
   * @param book the endpoint's book, already updated
   * @param before what it held before
   */
  void changed(AddressBook book, AddressBook.Snapshot before);

  /**
   * Retires what a change missed (a connect under way during the change).
   *
   * @param book the endpoint's book
   */
  void sweep(AddressBook book);
}
