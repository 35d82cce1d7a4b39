#include <doctest/doctest.h>

#include <vector>

#include "client_options.h"

using namespace parley::client;

namespace {

ParsedCommandLine parse(std::vector<const char*> args, const char* token_env = nullptr) {
    args.insert(args.begin(), "parley");
    return parse_command_line(static_cast<int>(args.size()), args.data(), token_env);
}

}  // namespace

TEST_CASE("no command: interactive with defaults") {
    auto r = parse({});
    REQUIRE(r.options);
    CHECK(r.options->mode == Mode::Interactive);
    CHECK(r.options->conn.host == "127.0.0.1");
    CHECK(r.options->conn.effective_port() == 7070);
    CHECK(r.options->conn.effective_udp_port() == 7070);
}

TEST_CASE("interactive flags") {
    auto r = parse({"--nick", "a", "--room", "lobby", "--port", "7071", "--color", "never"});
    REQUIRE(r.options);
    CHECK(r.options->conn.nick == "a");
    CHECK(r.options->rooms == std::vector<std::string>{"lobby"});
    CHECK(r.options->conn.effective_udp_port() == 7071);
    CHECK(r.options->colour == ColourChoice::Never);
}

TEST_CASE("connection flags work before and after the command") {
    for (auto args : {std::vector<const char*>{"--port", "7071", "listen", "--room", "r"},
                      std::vector<const char*>{"listen", "--port", "7071", "--room", "r"},
                      std::vector<const char*>{"listen", "--room", "r", "--port", "7071"}}) {
        auto r = parse(args);
        REQUIRE(r.options);
        CHECK(r.options->mode == Mode::Listen);
        CHECK(r.options->conn.effective_port() == 7071);
        CHECK(r.options->rooms == std::vector<std::string>{"r"});
    }
    auto r = parse({"--host", "::1", "udp-echo", "hi", "--udp-port", "9000", "--count", "2"});
    REQUIRE(r.options);
    CHECK(r.options->conn.host == "::1");
    CHECK(r.options->conn.effective_udp_port() == 9000);
    CHECK(r.options->count == 2);
    CHECK(r.options->text == "hi");
}

TEST_CASE("--tls moves the default TCP port to 7443 and leaves UDP on 7070") {
    auto r = parse({"--tls", "stats"});
    REQUIRE(r.options);
    CHECK(r.options->conn.tls);
    CHECK(r.options->conn.effective_port() == 7443);
    CHECK(r.options->conn.effective_udp_port() == 7070);

    r = parse({"stats", "--tls", "--port", "9443", "--insecure"});
    REQUIRE(r.options);
    CHECK(r.options->conn.insecure);
    CHECK(r.options->conn.effective_port() == 9443);
    CHECK(r.options->conn.effective_udp_port() == 7070);

    r = parse({"--tls", "--port", "9443", "--udp-port", "9000"});
    REQUIRE(r.options);
    CHECK(r.options->conn.effective_udp_port() == 9000);
}

TEST_CASE("--ca and --insecure need --tls and exclude each other") {
    CHECK(parse({"--insecure", "stats"}).exit_status == 2);
    CHECK(parse({"stats", "--tls", "--insecure", "--ca", "/"}).exit_status == 2);
    auto r = parse({"--insecure", "stats"});
    CHECK(r.err == "parley: --ca and --insecure go with --tls\n");
}

TEST_CASE("send joins the words of its text") {
    auto r = parse({"send", "--room", "r", "hello", "world"});
    REQUIRE(r.options);
    CHECK(r.options->mode == Mode::Send);
    CHECK(r.options->text == "hello world");
    CHECK(parse({"send", "hello"}).exit_status == 2);
    CHECK(parse({"send", "--room", "a", "--room", "b", "x"}).exit_status == 2);
}

TEST_CASE("shutdown takes its token from the flag or the environment") {
    auto flag = parse({"shutdown", "--token", "t1"}, "env");
    REQUIRE(flag.options);
    CHECK(flag.options->token == "t1");
    auto env = parse({"shutdown"}, "env");
    REQUIRE(env.options);
    CHECK(env.options->token == "env");
    auto none = parse({"shutdown"});
    CHECK_FALSE(none.options);
    CHECK(none.exit_status == 2);
    CHECK(none.err.find("PARLEY_ADMIN_TOKEN") != std::string::npos);
}

TEST_CASE("usage errors: status 2 and one line on stderr") {
    for (auto args : {std::vector<const char*>{"--port", "0"},
                      std::vector<const char*>{"--port", "x"},
                      std::vector<const char*>{"--bogus"},
                      std::vector<const char*>{"listen"},
                      std::vector<const char*>{"frob"}}) {
        auto r = parse(args);
        CHECK_FALSE(r.options);
        CHECK(r.exit_status == 2);
        REQUIRE_FALSE(r.err.empty());
        CHECK(r.err.find('\n') == r.err.size() - 1);
        CHECK(r.err.rfind("parley: ", 0) == 0);
    }
}

TEST_CASE("help for the program and for each command") {
    auto top = parse({"--help"});
    CHECK(top.exit_status == 0);
    CHECK_FALSE(top.options);
    CHECK(top.out.find("listen") != std::string::npos);
    CHECK(top.out.find("Exit status") != std::string::npos);
    auto sub = parse({"listen", "--help"});
    CHECK(sub.exit_status == 0);
    CHECK(sub.out.find("--json") != std::string::npos);
    CHECK(sub.out.find("--port") != std::string::npos);
    auto ver = parse({"--version"});
    CHECK(ver.exit_status == 0);
    CHECK(ver.out.find("parley ") == 0);
}
