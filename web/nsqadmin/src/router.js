// Client-side navigation under the base path (History API), as NSQ's UI does.
import {basePath, url} from './api.js'

const listeners = new Set()

/** The current in-app path (without the base path), e.g. "/topics/t1". */
export function currentPath() {
    let p = window.location.pathname
    if (basePath && p.startsWith(basePath)) p = p.slice(basePath.length)
    return p || '/'
}

export function navigate(path) {
    window.history.pushState({}, '', url(path))
    listeners.forEach((fn) => fn(currentPath()))
    window.scrollTo(0, 0)
}

export function onNavigate(fn) {
    listeners.add(fn)
    const pop = () => fn(currentPath())
    window.addEventListener('popstate', pop)
    return () => {
        listeners.delete(fn)
        window.removeEventListener('popstate', pop)
    }
}

/** Matches `path` against the page routes; returns {page, params}. */
export function route(path) {
    const decode = (x) => {
        try {
            return decodeURIComponent(x)
        } catch {
            return x
        }
    }
    const parts = path.split('/').filter(Boolean).map(decode)
    if (parts.length === 0) return {page: 'topics', params: {}}
    const [head, a, b] = parts
    if (head === 'topics' && parts.length === 1) return {page: 'topics', params: {}}
    if (head === 'topics' && parts.length === 2) return {page: 'topic', params: {topic: a}}
    if (head === 'topics' && parts.length === 3) return {page: 'channel', params: {topic: a, channel: b}}
    if (head === 'nodes' && parts.length === 1) return {page: 'nodes', params: {}}
    if (head === 'nodes' && parts.length === 2) return {page: 'node', params: {node: a}}
    if (head === 'counter') return {page: 'counter', params: {}}
    if (head === 'lookup') return {page: 'lookup', params: {}}
    return {page: 'notfound', params: {}}
}
