// A tiny fast HTTP/1.1 upstream for the gateway benchmark: every request (no body expected)
// gets "200 OK" with a fixed body; keep-alive and pipelining. One io_context and one
// SO_REUSEPORT acceptor per thread. Built by run.sh: g++ -O2 -std=c++20 backend.cc -lpthread
// Usage: backend <port> <threads> [body_bytes]
#include <boost/asio.hpp>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

static std::string response;

asio::awaitable<void> serve(tcp::socket s) {
    std::string buf;
    char tmp[16384];
    std::string out;
    for (;;) {
        auto [ec, n] =
            co_await s.async_read_some(asio::buffer(tmp), asio::as_tuple(asio::use_awaitable));
        if (ec) co_return;
        buf.append(tmp, n);
        size_t pos;
        out.clear();
        while ((pos = buf.find("\r\n\r\n")) != std::string::npos) {
            buf.erase(0, pos + 4);
            out += response;
        }
        if (!out.empty()) {
            auto [wec, wn] = co_await asio::async_write(s, asio::buffer(out),
                                                        asio::as_tuple(asio::use_awaitable));
            if (wec) co_return;
        }
    }
}

asio::awaitable<void> accept_loop(tcp::acceptor& a) {
    for (;;) {
        auto [ec, s] = co_await a.async_accept(asio::as_tuple(asio::use_awaitable));
        if (ec) continue;
        s.set_option(tcp::no_delay(true));
        asio::co_spawn(a.get_executor(), serve(std::move(s)), asio::detached);
    }
}

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: backend <port> <threads> [body_bytes]\n");
        return 2;
    }
    unsigned short port = static_cast<unsigned short>(std::atoi(argv[1]));
    int threads = std::atoi(argv[2]);
    size_t body = argc > 3 ? static_cast<size_t>(std::atol(argv[3])) : 2;
    response =
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(body) +
        "\r\n\r\n" + std::string(body, 'x');
    std::vector<std::unique_ptr<asio::io_context>> ctxs;
    std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
    for (int i = 0; i < threads; ++i) {
        ctxs.push_back(std::make_unique<asio::io_context>(1));
        auto a = std::make_unique<tcp::acceptor>(*ctxs.back());
        tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), port);
        a->open(ep.protocol());
        a->set_option(asio::socket_base::reuse_address(true));
        int one = 1;
        setsockopt(a->native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
        a->bind(ep);
        a->listen();
        asio::co_spawn(*ctxs.back(), accept_loop(*a), asio::detached);
        acceptors.push_back(std::move(a));
    }
    std::vector<std::thread> ts;
    for (auto& c : ctxs) ts.emplace_back([&c] { c->run(); });
    for (auto& t : ts) t.join();
}
