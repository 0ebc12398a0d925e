import { h, render } from 'preact';
render(h('p', null, 'jlive'), document.getElementById('app'));
