// JSON mode, decoding side: every request shape, and the error each kind of
// bad frame earns (PROTOCOL.md, "JSON requests and replies").
#include "parley/json_codec.hpp"

#include <limits>
#include <string>

#include "doctest.hpp"

using namespace parley;
namespace json_codec = parley::json_codec;

namespace {

Request decode_request(std::string_view frame) {
    auto decoded = json_codec::decode(frame);
    INFO("frame: " << frame.substr(0, 200));
    REQUIRE(std::holds_alternative<Request>(decoded));
    return std::get<Request>(decoded);
}

Reply decode_error(std::string_view frame) {
    auto decoded = json_codec::decode(frame);
    INFO("frame: " << frame.substr(0, 200));
    REQUIRE(std::holds_alternative<Reply>(decoded));
    Reply r = std::get<Reply>(decoded);
    REQUIRE_FALSE(r.ok());
    return r;
}

ErrorCode code_of(std::string_view frame) { return decode_error(frame).failure().code; }

bool has_id(const Reply& r) { return !std::holds_alternative<std::monostate>(r.id); }

}  // namespace

TEST_CASE("json decode: every request type with its fields") {
    CHECK(decode_request(R"({"type":"hello"})").type == RequestType::hello);
    CHECK(decode_request(R"({"type":"nick","nick":"alice"})").nick == "alice");
    CHECK(decode_request(R"({"type":"join","room":"lobby"})").room == "lobby");
    CHECK(decode_request(R"({"type":"leave","room":"lobby"})").type == RequestType::leave);
    CHECK(decode_request(R"({"type":"who","room":"lobby"})").type == RequestType::who);
    CHECK(decode_request(R"({"type":"rooms"})").type == RequestType::rooms);
    CHECK(decode_request(R"({"type":"ping"})").type == RequestType::ping);
    CHECK(decode_request(R"({"type":"stats"})").type == RequestType::stats);
    CHECK(decode_request(R"({"type":"quit"})").type == RequestType::quit);
    CHECK(decode_request(R"({"type":"shutdown","token":"t0k"})").token == "t0k");
    CHECK(decode_request(R"({"type":"echo","text":" spaced  out "})").text == " spaced  out ");
    CHECK(decode_request(R"({"type":"echo","text":""})").text.empty());

    auto say = decode_request(R"({"type":"say","room":"lobby","text":"hi there"})");
    CHECK(say.type == RequestType::say);
    CHECK(say.room == "lobby");
    CHECK(say.text == "hi there");
    CHECK_FALSE(say.plain_line);
    CHECK_FALSE(say.room_defaulted);

    auto msg = decode_request(R"({"type":"msg","to":"bob","text":"psst"})");
    CHECK(msg.to == "bob");
    CHECK(msg.text == "psst");

    auto hist = decode_request(R"({"type":"history","room":"lobby"})");
    CHECK(hist.room == "lobby");
    CHECK_FALSE(hist.since.has_value());
    CHECK_FALSE(hist.limit.has_value());
    hist = decode_request(R"({"type":"history","room":"lobby","since":0,"limit":0})");
    CHECK(hist.since == 0u);
    CHECK(hist.limit == 0u);
    hist = decode_request(R"({"type":"history","room":"r","since":18446744073709551615,"limit":7})");
    CHECK(hist.since == 18446744073709551615u);
    CHECK(hist.limit == 7u);
}

TEST_CASE("json decode: escapes in strings are decoded") {
    CHECK(decode_request(R"({"type":"echo","text":"a\"b\\c\nd\u00e9"})").text == "a\"b\\c\nd\xc3\xa9");
    // A proper surrogate pair is one code point.
    CHECK(decode_request(R"({"type":"echo","text":"\ud83d\ude00"})").text == "\xf0\x9f\x98\x80");
    CHECK(decode_request(R"({"ty\u0070e":"ping"})").type == RequestType::ping);
}

TEST_CASE("json decode: id is a string of at most 64 bytes or an int64, echoed as given") {
    CHECK(std::holds_alternative<std::monostate>(decode_request(R"({"type":"ping"})").id));
    CHECK(decode_request(R"({"type":"ping","id":"abc"})").id == RequestId{std::string("abc")});
    CHECK(decode_request(R"({"type":"ping","id":""})").id == RequestId{std::string()});
    CHECK(decode_request(R"({"type":"ping","id":7})").id == RequestId{std::int64_t{7}});
    CHECK(decode_request(R"({"type":"ping","id":-7})").id == RequestId{std::int64_t{-7}});
    CHECK(decode_request(R"({"type":"ping","id":9223372036854775807})").id ==
          RequestId{std::int64_t{9223372036854775807}});
    CHECK(decode_request(R"({"type":"ping","id":-9223372036854775808})").id ==
          RequestId{std::numeric_limits<std::int64_t>::min()});

    const std::string id64(64, 'i');
    CHECK(decode_request(R"({"type":"ping","id":")" + id64 + "\"}").id == RequestId{id64});
    // 32 two-byte characters: 64 bytes, the limit is in bytes.
    std::string wide;
    for (int i = 0; i < 32; ++i) wide += "\xc3\xa9";
    CHECK(decode_request(R"({"type":"ping","id":")" + wide + "\"}").id == RequestId{wide});
}

TEST_CASE("json decode: a bad id is bad_request, keeps for, and carries no id") {
    const std::string id65(65, 'i');
    std::string wide33;
    for (int i = 0; i < 33; ++i) wide33 += "\xc3\xa9";
    for (const std::string& id : {"\"" + id65 + "\"", "\"" + wide33 + "\"", std::string("1.5"), std::string("1.0"),
                                  std::string("1e3"), std::string("9223372036854775808"),
                                  std::string("18446744073709551615"), std::string("{}"), std::string(R"({"n":1})"), std::string("[1]"),
                                  std::string("true"), std::string("null")}) {
        CAPTURE(id);
        Reply r = decode_error(R"({"type":"echo","text":"x","id":)" + id + "}");
        CHECK(r.failure().code == ErrorCode::bad_request);
        CHECK_FALSE(has_id(r));
        CHECK(r.for_name == "echo");
    }
}

TEST_CASE("json decode: integers beyond 64 bits are valid JSON, so bad_request, not bad_json") {
    // RFC 8259 puts no limit on a number's size; PROTOCOL.md makes an id that
    // does not fit in int64 a bad_request without id, and since a mistyped field.
    for (const char* frame : {R"({"type":"echo","text":"x","id":18446744073709551616})",
                              R"({"type":"echo","text":"x","id":-9223372036854775809})",
                              R"({"type":"echo","text":"x","id":123456789012345678901234567890})"}) {
        INFO("frame: " << std::string(frame));
        Reply r = decode_error(frame);
        CHECK(r.failure().code == ErrorCode::bad_request);
        CHECK(r.for_name == "echo");
        CHECK_FALSE(has_id(r));
    }
    Reply r = decode_error(R"({"type":"history","room":"r","since":18446744073709551616,"id":1})");
    CHECK(r.failure().code == ErrorCode::bad_request);
    CHECK(r.id == RequestId{std::int64_t{1}});
}

TEST_CASE("json decode: a NUL after an object holding a big number is bad_json") {
    // Numbers beyond 64 bits take a second parser, which must not end the
    // frame at a NUL the way it ends a C string.
    using namespace std::string_literals;
    for (const std::string& frame : {R"({"type":"ping","x":123456789012345678901234567890})"s + '\0' + "333,,]3}"s,
                                     R"({"type":"ping","x":123456789012345678901234567890})"s + '\0',
                                     R"({"type":"ping","x":123456789012345678901234567890)"s + '\0' + "}"s}) {
        INFO("frame size: " << frame.size());
        Reply r = decode_error(frame);
        CHECK(r.failure().code == ErrorCode::bad_json);
        CHECK(r.for_name.empty());
        CHECK_FALSE(has_id(r));
    }
}

TEST_CASE("json decode: malformed JSON and non-objects are bad_json without for or id") {
    for (const char* frame : {"{", "}", "{\"type\":\"ping\"", "{\"type\":\"ping\",}", "{'type':'ping'}",
                              "{type:\"ping\"}", "{\"type\":\"ping\"} x", "{\"type\":\"ping\"}{}",
                              "{\"type\":\"ping\"} {\"type\":\"ping\"}", "[]", "[{\"type\":\"ping\"}]", "42",
                              "\"ping\"", "null", "true", "{\"type\":\"ping\",\"id\":01}",
                              "{\"type\":\"echo\",\"text\":\"tab\there\"}"}) {
        INFO("frame: " << std::string(frame));
        Reply r = decode_error(frame);
        CHECK(r.failure().code == ErrorCode::bad_json);
        CHECK(r.for_name.empty());
        CHECK_FALSE(has_id(r));
    }
}

TEST_CASE("json decode: escaped lone surrogates are bad_json") {
    CHECK(code_of(R"({"type":"echo","text":"\ud800"})") == ErrorCode::bad_json);
    CHECK(code_of(R"({"type":"echo","text":"\udfff"})") == ErrorCode::bad_json);
    CHECK(code_of(R"({"type":"echo","text":"\ud800\u0041"})") == ErrorCode::bad_json);
    CHECK(code_of(R"({"type":"echo","text":"\udc00\ud800"})") == ErrorCode::bad_json);
    CHECK(code_of(R"({"type":"ping","x":"\ud800"})") == ErrorCode::bad_json);
    CHECK(code_of(R"({"type":"ping","\udc00":1})") == ErrorCode::bad_json);
}

TEST_CASE("json decode: a missing or mistyped type is bad_request") {
    for (const char* frame : {"{}", R"({"typ":"ping"})", R"({"type":5})", R"({"type":null})",
                              R"({"type":["ping"]})", R"({"type":{"name":"ping"}})", R"({"x":{"type":"ping"}})"}) {
        INFO("frame: " << std::string(frame));
        Reply r = decode_error(frame);
        CHECK(r.failure().code == ErrorCode::bad_request);
        CHECK(r.for_name.empty());
    }
}

TEST_CASE("json decode: without a readable type, a readable id is still echoed") {
    // PROTOCOL.md: `for` and `id` are left out only when they could not be read.
    Reply r = decode_error(R"({"id":"q1"})");
    CHECK(r.failure().code == ErrorCode::bad_request);
    CHECK(r.id == RequestId{std::string("q1")});
    r = decode_error(R"({"type":3,"id":42})");
    CHECK(r.id == RequestId{std::int64_t{42}});
}

TEST_CASE("json decode: missing or mistyped fields are bad_request with for and id") {
    for (const char* frame : {
             R"({"type":"nick","id":1})", R"({"type":"nick","nick":5,"id":1})",
             R"({"type":"join","id":1})", R"({"type":"join","room":null,"id":1})",
             R"({"type":"leave","room":["r"],"id":1})", R"({"type":"who","id":1})",
             R"({"type":"say","room":"r","id":1})", R"({"type":"say","text":"x","id":1})",
             R"({"type":"say","room":"r","text":"","id":1})", R"({"type":"say","room":"r","text":1,"id":1})",
             R"({"type":"say","room":{"room":"r"},"text":"x","id":1})",
             R"({"type":"msg","text":"x","id":1})", R"({"type":"msg","to":"bob","id":1})",
             R"({"type":"history","id":1})", R"({"type":"history","room":"r","since":-1,"id":1})",
             R"({"type":"history","room":"r","since":1.5,"id":1})",
             R"({"type":"history","room":"r","since":"3","id":1})",
             R"({"type":"history","room":"r","since":null,"id":1})",
             R"({"type":"history","room":"r","limit":-1,"id":1})",
             R"({"type":"history","room":"r","limit":2.0,"id":1})",
             R"({"type":"history","room":"r","limit":1e2,"id":1})",
             R"({"type":"echo","id":1})", R"({"type":"echo","text":{"text":"x"},"id":1})",
             R"({"type":"shutdown","id":1})", R"({"type":"shutdown","token":42,"id":1})"}) {
        INFO("frame: " << std::string(frame));
        Reply r = decode_error(frame);
        CHECK(r.failure().code == ErrorCode::bad_request);
        CHECK(r.id == RequestId{std::int64_t{1}});
        CHECK(r.for_type.has_value());
        CHECK_FALSE(r.for_name.empty());
    }
}

TEST_CASE("json decode: an unknown type is unknown_type and keeps for and id") {
    Reply r = decode_error(R"({"type":"dance","id":"d1"})");
    CHECK(r.failure().code == ErrorCode::unknown_type);
    CHECK(r.for_name == "dance");
    CHECK(r.id == RequestId{std::string("d1")});

    // help is a text-mode command only; say is not a text command but is JSON.
    CHECK(code_of(R"({"type":"help"})") == ErrorCode::unknown_type);
    CHECK(code_of(R"({"type":"PING"})") == ErrorCode::unknown_type);
    CHECK(code_of(R"({"type":""})") == ErrorCode::unknown_type);
}

TEST_CASE("json decode: unknown fields are ignored, whatever they hold") {
    auto req = decode_request(
        R"({"type":"say","extra":[1,{"type":"quit"},[]],"room":"r","nested":{"text":""},"text":"hi","n":null})");
    CHECK(req.type == RequestType::say);
    CHECK(req.text == "hi");
    CHECK(decode_request(R"({"x":{"type":"quit"},"type":"ping","y":1.5,"z":true})").type == RequestType::ping);
}

TEST_CASE("json decode: leading and trailing white space around the object") {
    CHECK(decode_request(" \t{\"type\":\"ping\"} \t").type == RequestType::ping);
}

TEST_CASE("json decode: nesting in an ignored field") {
    auto nested = [](std::size_t depth, bool closed) {
        return R"({"type":"ping","deep":)" + std::string(depth, '[') + std::string(closed ? depth : 0, ']') + "}";
    };
    CHECK(decode_request(nested(100, true)).type == RequestType::ping);
    CHECK(code_of(nested(100, false)) == ErrorCode::bad_json);

    // Very deep input may be refused as bad_json (a parser's depth limit is a
    // fair defence), but it must neither crash nor be taken for anything else.
    for (std::size_t depth : {5000u, 100000u}) {
        CAPTURE(depth);
        auto decoded = json_codec::decode(nested(depth, true));
        if (const auto* req = std::get_if<Request>(&decoded)) {
            CHECK(req->type == RequestType::ping);
        } else {
            CHECK(std::get<Reply>(decoded).failure().code == ErrorCode::bad_json);
        }
        CHECK(code_of(nested(depth, false)) == ErrorCode::bad_json);
        CHECK(code_of(std::string(depth, '[') + std::string(depth, ']')) == ErrorCode::bad_json);
    }
}
