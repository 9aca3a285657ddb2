package io.sockpool.internal.group;

/** An engine state of an endpoint with counters a test sets. */
final class FakeLoad implements EndpointLoad {
  long served;
  int leased;
  boolean forgotten;

  FakeLoad(long served) {
    this.served = served;
  }

  @Override
  public long served() {
    return served;
  }

  @Override
  public int leased() {
    return leased;
  }

  @Override
  public boolean forgotten() {
    return forgotten;
  }
}
