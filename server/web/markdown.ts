/**
 * Markdown (closing reports, postmortems) as HTML for the console. The text comes from anyone — titles,
 * notes, alert summaries, a postmortem's author — so markdown-it runs with raw HTML off (a <script> stays
 * text) and its link check (no javascript:, vbscript:, file: or data: URLs except images, which the CSP
 * blocks anyway); links open no referrer. Markdown stays the API's format: this is only its reading.
 */
import MarkdownIt from 'markdown-it';
import { Html } from './html';

const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false });

// Links people wrote may point anywhere: no referrer, no opener.
const defaultLinkOpen = markdown.renderer.rules.link_open ?? ((tokens, index, options, _env, self) => self.renderToken(tokens, index, options));
markdown.renderer.rules.link_open = (tokens, index, options, env, self) => {
  tokens[index].attrSet('rel', 'noopener noreferrer');
  return defaultLinkOpen(tokens, index, options, env, self);
};

/** Rendered HTML, safe to place in a page: every raw tag is escaped, every link checked. */
export function renderMarkdown(text: string): Html {
  return new Html(`<div class="markdown-body">${markdown.render(text)}</div>`);
}
