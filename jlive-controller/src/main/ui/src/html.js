// htm bound to Preact's h: every module writes its markup with this one tag.
import { h } from 'preact';
import htm from 'htm';

export const html = htm.bind(h);
