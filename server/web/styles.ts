/**
 * One small stylesheet for the status page and the console: readable without it, responsive from phone to
 * laptop, visible keyboard focus, and state colours (always with a word beside them) that pass WCAG AA.
 */
export const STYLESHEET = `
:root { --fg: #1f2328; --muted: #57606a; --bg: #ffffff; --panel: #f6f8fa; --line: #d0d7de; --link: #0550ae;
  --operational: #1a7f37; --degraded_performance: #7d4e00; --partial_outage: #a40e26; --major_outage: #82071e; --focus: #0969da; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--link); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible, summary:focus-visible {
  outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: var(--fg); color: #fff; padding: .5rem 1rem; z-index: 10; }
.skip:focus { left: .5rem; }
header.site { background: var(--fg); color: #fff; padding: .75rem 1rem; display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; justify-content: space-between; }
header.site a { color: #fff; }
header.site .brand { font-weight: 700; font-size: 1.15rem; text-decoration: none; }
header.site nav { display: flex; flex-wrap: wrap; gap: .75rem; align-items: center; }
header.site form { margin: 0; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.6rem; margin: .5rem 0 1rem; line-height: 1.25; }
h2 { font-size: 1.25rem; margin: 1.75rem 0 .75rem; border-bottom: 1px solid var(--line); padding-bottom: .25rem; }
h3 { font-size: 1.05rem; margin: 1rem 0 .5rem; }
.muted { color: var(--muted); }
.muted-inverse { color: #d0d7de; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.banner { padding: 1rem; border-radius: 6px; color: #fff; font-weight: 600; font-size: 1.1rem; margin-bottom: 1rem; }
.state { font-weight: 600; }
.state-operational { color: var(--operational); } .state-degraded_performance { color: var(--degraded_performance); }
.state-partial_outage { color: var(--partial_outage); } .state-major_outage { color: var(--major_outage); }
.bg-operational { background: var(--operational); } .bg-degraded_performance { background: var(--degraded_performance); }
.bg-partial_outage { background: var(--partial_outage); } .bg-major_outage { background: var(--major_outage); }
.card { border: 1px solid var(--line); border-radius: 6px; padding: .75rem 1rem; margin: 0 0 1rem; background: var(--bg); }
.component ul, .plain { list-style: none; padding: 0; margin: .25rem 0; }
.row { display: flex; flex-wrap: wrap; justify-content: space-between; gap: .25rem 1rem; align-items: baseline; }
.bars { display: flex; gap: 1px; height: 1.75rem; margin: .5rem 0 .25rem; }
.bars span { flex: 1; border-radius: 1px; }
.updates { list-style: none; margin: .5rem 0 0; padding: 0; }
.updates li { border-left: 3px solid var(--line); padding: .25rem 0 .25rem .75rem; margin-bottom: .5rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .4rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
.table-wrap { overflow-x: auto; }
form.stack { display: grid; gap: .5rem; margin: 0; }
.fields { display: grid; gap: .75rem; }
fieldset { border: 1px solid var(--line); border-radius: 6px; padding: .75rem 1rem; margin: 0 0 1rem; min-width: 0; }
legend { font-weight: 600; padding: 0 .25rem; }
label { font-weight: 600; display: block; }
.check label, label.check { display: inline; font-weight: 400; }
input[type=text], input[type=password], input[type=datetime-local], input[type=search], select, textarea {
  width: 100%; font: inherit; padding: .5rem; border: 1px solid #6e7781; border-radius: 6px; background: #fff; color: var(--fg); }
textarea { min-height: 6rem; }
textarea.markdown { min-height: 24rem; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .9rem; }
button { font: inherit; font-weight: 600; padding: .55rem 1rem; min-height: 44px; border-radius: 6px; border: 1px solid #1f6feb; background: #0969da; color: #fff; cursor: pointer; }
button.secondary { background: #fff; color: #0550ae; border-color: #6e7781; }
.inline { display: inline; }
.grid { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(min(100%, 18rem), 1fr)); }
.filters { display: grid; gap: .5rem; grid-template-columns: repeat(auto-fit, minmax(min(100%, 9rem), 1fr)); align-items: end; }
.notice, .error { padding: .75rem 1rem; border-radius: 6px; margin-bottom: 1rem; }
.notice { background: #dafbe1; border: 1px solid #1a7f37; }
.error { background: #ffebe9; border: 1px solid #cf222e; }
.pill { display: inline-block; padding: 0 .5rem; border-radius: 1rem; border: 1px solid var(--line); font-size: .875rem; background: var(--panel); }
.last-update { white-space: pre-wrap; overflow-wrap: anywhere; }
/* The update link's form and the last update under it (action-link-pages.ts): tight cards, apart from each other. */
form.link-form { margin: 0 0 1rem; } .link-form p, .link-card p { margin: 0 0 .25rem; }
pre.markdown { white-space: pre-wrap; background: var(--panel); padding: .75rem; border-radius: 6px; overflow-x: auto; }
input[type=date] { width: 100%; font: inherit; padding: .45rem; border: 1px solid #6e7781; border-radius: 6px; background: #fff; color: var(--fg); }
.filter-box summary { cursor: pointer; font-weight: 600; padding: .6rem 0; }
.filter-box[open] summary { margin-bottom: .5rem; }
.search-row { display: flex; gap: .5rem; }
.search-row input { flex: 1; min-width: 0; }
.inline-list { display: flex; flex-wrap: wrap; gap: .25rem 1rem; }
.empty { padding: .75rem 1rem; background: var(--panel); border-radius: 6px; }
.charts { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fill, minmax(min(100%, 22rem), 1fr)); margin: 0 0 1rem; }
.chart-figure { margin: 0; border: 1px solid var(--line); border-radius: 6px; padding: .5rem .75rem .75rem; min-width: 0; }
.chart-figure figcaption { font-weight: 600; margin-bottom: .25rem; }
svg.chart { display: block; width: 100%; height: auto; max-width: 36rem; }
.report h3 { margin: 0; }
.report .row { margin: 1.25rem 0 .5rem; }
table.figures td { white-space: nowrap; }
table.figures th { vertical-align: bottom; }
tr.overdue td { background: #fff8f5; }
tr.overdue td:first-child { border-left: 4px solid #cf222e; }
.overdue-word { color: #a40e26; }
.oncall-person { border-left: 4px solid var(--link); padding: .25rem 0 .25rem .75rem; margin: .5rem 0; }
.oncall-team h2 { margin-top: 0; }
.oncall-person .role { display: block; font-weight: 600; color: var(--muted); text-transform: uppercase; font-size: .8rem; letter-spacing: .04em; }
.oncall-person .who { font-size: 1.2rem; }
.oncall-person.gap-warning { border-left-color: #cf222e; background: #ffebe9; }
.pill-override { background: #fff1e5; border-color: #bc4c00; color: #953800; }
.night { font-weight: 600; color: #6639ba; }
.gap-list li { color: #82071e; }
.pair { display: grid; gap: .75rem; grid-template-columns: repeat(auto-fit, minmax(min(100%, 12rem), 1fr)); }
tr.past td { color: var(--muted); }
td.nowrap { white-space: nowrap; }
.schedule-figure { max-width: 100%; }
svg.chart.schedule { max-width: 44rem; }
.shift-list li { padding: .15rem 0; }
.alerts .alert { border-left: 4px solid var(--line); }
.alerts .alert-firing { border-left-color: #cf222e; }
.alert-firing .alert-state { background: #ffebe9; border-color: #cf222e; color: #82071e; font-weight: 600; }
.alert-links a { font-weight: 600; }
.labels { margin: .35rem 0; }
.labels .pill { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .8rem; overflow-wrap: anywhere; }
dl.annotations { display: grid; grid-template-columns: minmax(6rem, max-content) 1fr; gap: .15rem .75rem; margin: .5rem 0 0; }
dl.annotations dt { font-weight: 600; color: var(--muted); overflow-wrap: anywhere; }
dl.annotations dd { margin: 0; overflow-wrap: anywhere; white-space: pre-wrap; }
.markdown-body { overflow-wrap: anywhere; }
.markdown-body table { margin: .5rem 0 1rem; }
.markdown-body pre, .markdown-body code { background: var(--panel); border-radius: 4px; }
.markdown-body pre { padding: .75rem; overflow-x: auto; }
@media (max-width: 40rem) { dl.annotations { grid-template-columns: 1fr; } dl.annotations dd { margin-bottom: .35rem; } }
@media (max-width: 40rem) {
  /* A phone's first screen is for the incident, not the header: the name stays, its preamble is for screen readers. */
  .wide-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
  table.figures td { white-space: normal; }
  tr.overdue { border-left: 4px solid #cf222e; padding-left: .5rem; background: #fff8f5; }
  tr.overdue td:first-child { border-left: 0; }
  main { padding: .75rem; }
  h1 { font-size: 1.35rem; }
  /* Hidden as .sr-only is: a wide header moved off to the left would still reach into view. */
  table.stackable thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  table.stackable tr { display: block; border-bottom: 1px solid var(--line); padding: .5rem 0; }
  table.stackable td { display: block; border: 0; padding: .1rem 0; }
  table.stackable td[data-label]::before { content: attr(data-label) ": "; font-weight: 600; }
}
/* The incident page's command view: who holds it, what to do now, what is due. Red is for what needs someone. */
.holding { margin: 0 0 .75rem; }
.pill.sev { font-weight: 700; background: var(--fg); color: #fff; border-color: var(--fg); }
.alarm { color: #a40e26; }
.ok { color: var(--operational); }
.act-now { border: 2px solid #cf222e; background: #ffebe9; border-radius: 6px; padding: .5rem .75rem .75rem; margin: 0 0 1rem; }
.act-now p { margin: 0 0 .5rem; }
.notice.handoff { background: #fff8c5; border-color: #9a6700; }
.notice.handoff p { margin: 0 0 .25rem; }
.triage, .edit-details { margin: 0 0 1rem; }
.triage summary, .edit-details summary { cursor: pointer; font-weight: 600; padding: .6rem 0; }
.edit-details[open] summary { margin-bottom: .5rem; }
button.big { font-size: 1.15rem; min-height: 52px; padding: .6rem 1.5rem; min-width: 12rem; }
.due-next h2 { margin: 0 0 .25rem; border: 0; padding: 0; font-size: 1.1rem; }
.due { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 0 1rem; padding: .35rem 0 .35rem .6rem; border-left: 4px solid var(--line); margin: .25rem 0; }
.due-when time { font-weight: 700; font-variant-numeric: tabular-nums; }
.due.overdue { border-left-color: #cf222e; background: #fff8f5; }
.due.overdue time { color: #a40e26; }
.shortcuts { font-size: .9rem; margin: -.5rem 0 1rem; }
kbd { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; border: 1px solid #6e7781; border-bottom-width: 2px; border-radius: 4px; padding: 0 .3rem; background: var(--panel); color: var(--fg); }
.live-note:empty { display: none; }
.flag { display: inline-block; font-size: .8rem; font-weight: 700; padding: 0 .45rem; border-radius: 1rem; background: #ffebe9; border: 1px solid #cf222e; color: #82071e; }
tr.needs-attention td { background: #fff8f5; }
/* My pages: the person's own pages, newest first; a page still waiting is outlined in red with its Acknowledge. */
.badge { display: inline-block; min-width: 1.5rem; text-align: center; font-size: .85rem; font-weight: 700; padding: 0 .4rem; border-radius: 1rem; background: #cf222e; color: #fff; }
header.site a.my-pages-link { font-weight: 700; }
a.button { display: inline-block; font-weight: 600; padding: .55rem 1rem; min-height: 44px; border-radius: 6px; background: #0969da; color: #fff; text-decoration: none; }
.my-pages { list-style: none; margin: 0; padding: 0; }
.my-page { border: 1px solid var(--line); border-left: 4px solid var(--line); border-radius: 6px; padding: .6rem .75rem; margin: 0 0 .75rem; }
.my-page.waiting { border-color: #cf222e; border-left-width: 6px; background: #fff8f5; }
.my-page-head { font-size: 1.1rem; font-weight: 600; overflow-wrap: anywhere; }
.my-page p { margin: .3rem 0; overflow-wrap: anywhere; }
.failures { list-style: none; margin: .25rem 0 0; padding: 0; font-size: .9rem; overflow-wrap: anywhere; }
.updates .failures li { border-left: 0; padding: 0; margin: .1rem 0; }
.mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .85rem; }
tr.needs-attention td:first-child { border-left: 4px solid #cf222e; }
@media (max-width: 40rem) {
  .shortcuts { display: none; }
  button.big { width: 100%; }
  tr.needs-attention { border-left: 4px solid #cf222e; padding-left: .5rem; background: #fff8f5; }
  tr.needs-attention td:first-child { border-left: 0; }
}
`;
