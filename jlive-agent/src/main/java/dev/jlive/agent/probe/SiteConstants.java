package dev.jlive.agent.probe;

/**
 * The fields of a site's linked dispatcher, whose code is {@link SiteDispatcher}'s. {@link
 * SiteDispatchers} defines this class a second time as a hidden class, so that C2 takes these
 * fields as constants; the accessors are what {@link SiteDispatcher} reads them through. Nothing
 * static: a hidden class would run its own copy.
 */
final class SiteConstants extends SiteDispatcher {
  private final ProbeDispatcher owner;
  private final ProbeSite site;
  private final CallPlan plan;

  /** A site's dispatcher; for no site (null), one that counts nothing and answers 0. */
  SiteConstants(ProbeDispatcher owner, ProbeSite site) {
    this.owner = owner;
    this.site = site;
    this.plan = site == null ? null : site.probe().plan;
  }

  @Override
  ProbeDispatcher owner() {
    return owner;
  }

  @Override
  ProbeSite site() {
    return site;
  }

  @Override
  CallPlan plan() {
    return plan;
  }
}
