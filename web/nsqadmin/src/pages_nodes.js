// Nodes list (/nodes) and node detail (/nodes/:node).
/* global IS_ADMIN, NSQLOOKUPD */
import {html} from 'htm/preact'
import {useState} from 'preact/hooks'

import {enc, encNode} from './api.js'
import {HistoryCharts} from './chart.js'
import {ActionButton, Banners, Link, Loaded, usePoll} from './components.js'
import {commafy} from './format.js'
import {Clients} from './pages_streams.js'

const lookupdCount = () => (Array.isArray(NSQLOOKUPD) ? NSQLOOKUPD.length : 0)

function LookupdConns({node}) {
    const [open, setOpen] = useState(false)
    const list = node.remote_addresses || []
    const warn = list.length !== lookupdCount()
    return html`<button class=${`btn btn-xs ${warn ? 'btn-warning' : 'btn-default'}`}
        onClick=${() => setOpen(!open)}>${list.length}</button>
        ${open ? html`<ul class="plain">${list.map((a) => html`<li>${a}</li>`)}</ul>` : null}`
}

export function NodesPage() {
    const res = usePoll('/api/nodes')
    return html`<${Loaded} res=${res}>${(d) => {
        const nodes = d.nodes || []
        const lookupd = lookupdCount() > 0
        return html`<h2>NSQd Nodes (${nodes.length})</h2>
        <div class="table-wrap"><table class="table" data-testid="nodes">
            <thead><tr><th>Hostname</th><th>Broadcast Address</th><th>TCP Port</th><th>HTTP Port</th>
                <th>Version</th>${lookupd ? html`<th>Lookupd Conns.</th>` : null}<th>Topics</th></tr></thead>
            <tbody>${nodes.map((n) => {
                const id = `${n.broadcast_address.includes(':') ? `[${n.broadcast_address}]` : n.broadcast_address}:${n.http_port}`
                return html`<tr key=${id} class=${n.out_of_date ? 'warning' : ''}>
                    <td>${n.hostname}</td>
                    <td><${Link} to=${`/nodes/${encNode(id)}`}>${n.broadcast_address}<//></td>
                    <td>${n.tcp_port}</td><td>${n.http_port}</td><td>${n.version}</td>
                    ${lookupd ? html`<td><${LookupdConns} node=${n} /></td>` : null}
                    <td><span class="badge">${(n.topics || []).length}</span>
                        ${(n.topics || []).map((t) => html` <${Link} to=${`/topics/${enc(t.topic)}`}
                            class=${`label ${t.tombstoned ? 'label-warning' : 'label-primary'}`}
                            title=${t.tombstoned ? 'this topic is currently tombstoned on this node' : ''}>${t.topic}<//>`)}</td>
                </tr>`
            })}</tbody>
        </table></div>
        <${HistoryCharts} query="" />`
    }}<//>`
}

export function NodePage({node}) {
    const res = usePoll(`/api/nodes/${encNode(node)}`)
    const [actionError, setActionError] = useState(null)
    return html`
        <ol class="breadcrumb"><li><${Link} to="/nodes">Nodes<//></li><li>${node}</li></ol>
        <${Banners} error=${actionError} />
        <${Loaded} res=${res}>${(d) => html`
            <${HistoryCharts} query=${`node=${enc(node)}`} />
            <div class="summary" data-testid="node-summary"><strong>${(d.topics || []).length}</strong> Topics,
                <strong> ${commafy(d.total_messages)}</strong> Messages,
                <strong> ${commafy(d.total_clients)}</strong> Clients</div>
            ${(d.topics || []).length === 0 ? html`<div class="alert alert-warning">No topics exist on this node.</div>` : null}
            ${(d.topics || []).map((t) => html`<${NodeTopic} key=${t.topic_name} t=${t} node=${node}
                reload=${res.reload} onError=${setActionError} />`)}`}<//>`
}

function NodeTopic({t, node, reload, onError}) {
    return html`<div class="node-topic">
        <div class="table-wrap"><table class="table">
            <thead><tr class="topic-row"><th>Topic</th><th>Depth</th><th>Memory + Disk</th><th>Messages</th><th>Channels</th></tr></thead>
            <tbody><tr class="info"><td>
                ${typeof IS_ADMIN === 'undefined' || IS_ADMIN
                    ? html`<${ActionButton} label="✘" kind="link tombstone" action="tombstone" name=${node}
                        title="tombstone this topic on this node"
                        request=${['DELETE', `/api/nodes/${encNode(node)}`, {topic: t.topic_name}]}
                        after=${reload} onError=${onError} />` : null}
                <${Link} to=${`/topics/${enc(t.topic_name)}`}>${t.topic_name}<//>
                ${t.paused ? html` <span class="label label-primary">paused</span>` : null}</td>
                <td>${commafy(t.depth)}</td><td>${commafy(t.memory_depth)} + ${commafy(t.backend_depth)}</td>
                <td>${commafy(t.message_count)}</td><td>${(t.channels || []).length}</td></tr></tbody>
        </table></div>
        ${(t.channels || []).length === 0
            ? html`<div class="alert alert-info">No channels exist for this topic.</div>`
            : (t.channels || []).map((c) => html`<div class="node-channel" key=${c.channel_name}>
                <div class="table-wrap"><table class="table">
                    <thead><tr><th>Channel</th><th>Depth</th><th>Memory + Disk</th><th>In-Flight</th>
                        <th>Deferred</th><th>Requeued</th><th>Timed Out</th><th>Messages</th><th>Connections</th></tr></thead>
                    <tbody><tr class="warning"><td>
                        <${Link} to=${`/topics/${enc(t.topic_name)}/${enc(c.channel_name)}`}>${c.channel_name}<//>
                        ${c.paused ? html` <span class="label label-primary">paused</span>` : null}</td>
                        <td>${commafy(c.depth)}</td><td>${commafy(c.memory_depth)} + ${commafy(c.backend_depth)}</td>
                        <td>${commafy(c.in_flight_count)}</td><td>${commafy(c.deferred_count)}</td>
                        <td>${commafy(c.requeue_count)}</td><td>${commafy(c.timeout_count)}</td>
                        <td>${commafy(c.message_count)}</td><td>${commafy(c.client_count)}</td></tr></tbody>
                </table></div>
                <${Clients} clients=${c.clients || []} showNode=${false} />
            </div>`)}
    </div>`
}
