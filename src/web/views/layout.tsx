import type { ComponentChildren } from "preact";
import type { Lang, Translate } from "../../i18n/index.ts";

export interface PageContext {
  lang: Lang;
  t: Translate;
  /** The path (and query) of this page, for the language switch to come back to. */
  path: string;
  csrfToken: string | undefined;
  staffName: string | undefined;
  devTools: boolean;
  /** In My Case: the signed-in person's name (absent on the portal's public pages), and the portal's frame. */
  portal?: { name: string | undefined; workingFor?: { name: string; several: boolean } };
}

/**
 * The frame of every page: skip link, header with the language switch, main, footer (GC Design System).
 * `head` adds to the document's head what one page needs (a script, a refresh without JavaScript).
 */
export function Layout(props: {
  ctx: PageContext;
  title: string;
  head?: ComponentChildren;
  children: ComponentChildren;
}) {
  const { ctx } = props;
  const other: Lang = ctx.lang === "en" ? "fr" : "en";
  const switchHref = `/lang/${other}?next=${encodeURIComponent(ctx.path)}`;
  return (
    <html lang={ctx.lang}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} — ${ctx.portal ? ctx.t("portal.name") : ctx.t("app.name")}`}</title>
        <link rel="stylesheet" href="/static/gcds.css" />
        <link rel="stylesheet" href="/static/liaison.css" />
        {props.head}
      </head>
      <body>
        <a class="skip-link" href="#main">
          {ctx.t("layout.skip")}
        </a>
        {ctx.devTools ? (
          <div class="dev-banner">
            <div class="container">
              {ctx.t("layout.devBanner")} <a href="/dev">{ctx.t("layout.devLink")}</a>
            </div>
          </div>
        ) : null}
        <header class="site-header">
          <div class="container">
            {ctx.portal ? (
              <a class="brand" href="/portal">
                {ctx.t("portal.name")}
                <small>{ctx.t("portal.tagline")}</small>
              </a>
            ) : (
              <a class="brand" href="/agent">
                {ctx.t("app.name")}
                <small>{ctx.t("app.tagline")}</small>
              </a>
            )}
            <div class="header-tools">
              <a href={switchHref} lang={other} hrefLang={other} aria-label={ctx.t("layout.langToggleLabel")}>
                {ctx.t("layout.langToggle")}
              </a>
              {ctx.portal?.name ? (
                <>
                  <span>{ctx.t("layout.signedInAs", { name: ctx.portal.name })}</span>
                  <form method="post" action="/portal/sign-out">
                    <input type="hidden" name="_csrf" value={ctx.csrfToken ?? ""} />
                    <button type="submit" class="button-link">
                      {ctx.t("layout.signOut")}
                    </button>
                  </form>
                </>
              ) : null}
              {ctx.staffName ? (
                <>
                  <span>{ctx.t("layout.signedInAs", { name: ctx.staffName })}</span>
                  <form method="post" action="/auth/sign-out">
                    <input type="hidden" name="_csrf" value={ctx.csrfToken ?? ""} />
                    <button type="submit" class="button-link">
                      {ctx.t("layout.signOut")}
                    </button>
                  </form>
                </>
              ) : null}
            </div>
          </div>
        </header>
        {ctx.staffName ? (
          <nav class="container site-nav" aria-label={ctx.t("layout.navLabel")}>
            <a href="/agent">{ctx.t("search.title")}</a>
            <a href="/agent/post">{ctx.t("post.title")}</a>
            <a href="/agent/bounces">{ctx.t("bounces.title")}</a>
            <a href="/agent/batches">{ctx.t("batches.title")}</a>
            <a href="/agent/counsel">{ctx.t("counsel.nav")}</a>
            <a href="/agent/portal-forms">{ctx.t("portalForms.nav")}</a>
            <a href="/agent/ledger">{ctx.t("ledger.title")}</a>
            <a href="/agent/offices">{ctx.t("admin.nav")}</a>
          </nav>
        ) : null}
        {ctx.portal?.workingFor ? (
          <div class="container working-for">
            <p>
              {ctx.t("delegation.workingFor", { name: ctx.portal.workingFor.name })}{" "}
              {ctx.portal.workingFor.several ? (
                <a href="/portal/counsel">{ctx.t("delegation.chooseOther")}</a>
              ) : null}
            </p>
          </div>
        ) : null}
        {ctx.portal?.name ? (
          <nav class="container site-nav" aria-label={ctx.t("portal.navLabel")}>
            <a href="/portal/cases">{ctx.t("portal.cases.title")}</a>
            <a href="/portal/inbox">{ctx.t("portal.inbox.title")}</a>
            <a href="/portal/profile">{ctx.t("portal.profile.title")}</a>
            <a href="/portal/forms">{ctx.t("portal.forms.title")}</a>
            {ctx.portal.workingFor ? <a href="/portal/counsel">{ctx.t("delegation.myCounsel")}</a> : null}
          </nav>
        ) : null}
        <main id="main" class="container" tabIndex={-1}>
          {props.children}
        </main>
        <footer class="site-footer">
          <div class="container">{ctx.t("layout.footer")}</div>
        </footer>
      </body>
    </html>
  );
}
