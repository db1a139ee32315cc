// nsqadmin's single-page UI: navbar, client-side routing under the base path, pages.
/* global VERSION */
import {html} from 'htm/preact'
import {render} from 'preact'
import {useEffect, useState} from 'preact/hooks'

import {Link, ModalHost, refreshSetting, useAutoRefresh} from './components.js'
import {CounterPage, LookupPage} from './pages_misc.js'
import {NodePage, NodesPage} from './pages_nodes.js'
import {ChannelPage, TopicPage, TopicsPage} from './pages_streams.js'
import {currentPath, onNavigate, route} from './router.js'

function Navbar({page}) {
    const auto = useAutoRefresh()
    const [open, setOpen] = useState(false)
    const item = (to, label, pages) =>
        html`<li class=${pages.includes(page) ? 'active' : ''}><${Link} to=${to}
            onClick=${() => setOpen(false)}>${label}<//></li>`
    return html`<nav class="navbar">
        <div class="navbar-head">
            <${Link} to="/" class="brand"><img src=${`${document.querySelector('link[rel=icon]').getAttribute('href')}`}
                alt="" width="20" height="20" /> NSQ<//>
            <button class="navbar-toggle" aria-label="menu" onClick=${() => setOpen(!open)}>☰</button>
        </div>
        <ul class=${`nav ${open ? 'open' : ''}`}>
            ${item('/', 'Streams', ['topics', 'topic', 'channel'])}
            ${item('/nodes', 'Nodes', ['nodes', 'node'])}
            ${item('/counter', 'Counter', ['counter'])}
            ${item('/lookup', 'Lookup', ['lookup'])}
        </ul>
        <div class="nav-right">
            <label class="refresh" title="reload page data every 5 s">
                <input type="checkbox" checked=${auto} data-testid="autorefresh"
                    onChange=${(e) => refreshSetting.set(e.target.checked)} /> Auto-refresh</label>
            <a href="https://nsq.io/" target="_blank" rel="noreferrer">Documentation</a>
            <a href="https://github.com/nsqio/nsq" target="_blank" rel="noreferrer">GitHub</a>
            <span class="label label-success">v${typeof VERSION === 'string' ? VERSION : '1.3.0'}</span>
        </div>
    </nav>`
}

function Page({r}) {
    const p = r.params
    switch (r.page) {
        case 'topics': return html`<${TopicsPage} />`
        case 'topic': return html`<${TopicPage} key=${p.topic} topic=${p.topic} />`
        case 'channel': return html`<${ChannelPage} key=${`${p.topic}/${p.channel}`} topic=${p.topic} channel=${p.channel} />`
        case 'nodes': return html`<${NodesPage} />`
        case 'node': return html`<${NodePage} key=${p.node} node=${p.node} />`
        case 'counter': return html`<${CounterPage} />`
        case 'lookup': return html`<${LookupPage} />`
        default: return html`<div class="alert alert-danger">Page not found</div>`
    }
}

function App() {
    const [path, setPath] = useState(currentPath())
    useEffect(() => onNavigate(setPath), [])
    const r = route(path)
    useEffect(() => {
        document.title = `nsqadmin${r.params.topic ? ` - ${r.params.topic}` : ''}`
        document.body.className = r.page === 'counter' ? 'dark' : ''
    }, [path])
    return html`<${Navbar} page=${r.page} /><main class="container" data-page=${r.page}><${Page} r=${r} /></main><${ModalHost} />`
}

render(html`<${App} />`, document.getElementById('app'))
