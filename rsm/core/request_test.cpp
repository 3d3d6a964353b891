#include "rsm/core/request.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace fl {
namespace {

Request make_request(std::uint32_t client, std::uint64_t id, OpKind op, std::int32_t key = 0, std::int32_t value = 0) {
  return Request{ClientId{client}, RequestId{id}, op, key, value};
}

rc::Gen<Request> arbitrary_request() {
  return rc::gen::apply(
      [](std::uint32_t client, std::uint64_t id, int op, std::int32_t key, std::int32_t value) {
        return make_request(client, id, static_cast<OpKind>(op), key, value);
      },
      rc::gen::arbitrary<std::uint32_t>(), rc::gen::arbitrary<std::uint64_t>(), rc::gen::inRange(0, 4),
      rc::gen::arbitrary<std::int32_t>(), rc::gen::arbitrary<std::int32_t>());
}

TEST(RequestNames, op_names_round_trip) {
  for (OpKind op : {OpKind::kInsert, OpKind::kAppend, OpKind::kRead, OpKind::kReadAll}) {
    EXPECT_EQ(op_from_name(op_name(op)), op);
  }
  EXPECT_EQ(op_name(OpKind::kInsert), "insert");
  EXPECT_EQ(op_name(OpKind::kAppend), "append");
  EXPECT_EQ(op_name(OpKind::kRead), "read");
  EXPECT_EQ(op_name(OpKind::kReadAll), "read_all");
}

TEST(RequestNames, status_names_round_trip) {
  for (Status s : {Status::kOk, Status::kNotFound, Status::kExists, Status::kStale}) {
    EXPECT_EQ(status_from_name(status_name(s)), s);
  }
  EXPECT_EQ(status_name(Status::kOk), "ok");
  EXPECT_EQ(status_name(Status::kNotFound), "not-found");
  EXPECT_EQ(status_name(Status::kExists), "exists");
  EXPECT_EQ(status_name(Status::kStale), "stale");
}

TEST(RequestNames, unknown_names_are_rejected) {
  EXPECT_EQ(op_from_name(""), std::nullopt);
  EXPECT_EQ(op_from_name("Append"), std::nullopt);
  EXPECT_EQ(op_from_name("read-all"), std::nullopt);
  EXPECT_EQ(status_from_name("not_found"), std::nullopt);
  EXPECT_EQ(status_from_name("OK"), std::nullopt);
}

TEST(RequestDescribe, requests_show_client_id_op_and_arguments) {
  EXPECT_EQ(describe(make_request(3, 17, OpKind::kAppend, -2, 1042)), "c3#17 append(-2,1042)");
  EXPECT_EQ(describe(make_request(1, 2, OpKind::kInsert, 5)), "c1#2 insert(5)");
  EXPECT_EQ(describe(make_request(0, 0, OpKind::kRead, -7)), "c0#0 read(-7)");
  EXPECT_EQ(describe(make_request(9, 4, OpKind::kReadAll, 5, 6)), "c9#4 read_all()");
}

TEST(RequestDescribe, responses_are_short) {
  Response read;
  read.events = {1, 5, 9};
  EXPECT_EQ(describe(read), "ok [1,5,9]");

  Response not_found;
  not_found.status = Status::kNotFound;
  EXPECT_EQ(describe(not_found), "not-found");

  Response read_all;
  read_all.rows = {{1, {}}, {2, {3}}, {-4, {}}, {8, {1, 2}}};
  EXPECT_EQ(describe(read_all), "ok rows=4");

  EXPECT_EQ(describe(Response{}), "ok");
  Response stale;
  stale.status = Status::kStale;
  EXPECT_EQ(describe(stale), "stale");
}

TEST(RequestEncode, encodes_as_comma_separated_integers) {
  std::string out;
  encode(make_request(3, 17, OpKind::kAppend, -2, 1042), out);
  EXPECT_EQ(out, "3,17,1,-2,1042;");
}

TEST(RequestEncode, encode_appends_so_requests_can_be_batched) {
  std::string out = "x";
  encode(make_request(1, 1, OpKind::kRead, 4), out);
  encode(make_request(2, 7, OpKind::kReadAll), out);
  EXPECT_EQ(out, "x1,1,2,4,0;2,7,3,0,0;");
}

TEST(RequestDecode, decodes_consecutive_requests_and_advances_past_each) {
  Request a = make_request(3, 17, OpKind::kAppend, -2, 1042);
  Request b = make_request(4, 1, OpKind::kInsert, 9);
  std::string buf;
  encode(a, buf);
  encode(b, buf);
  std::string_view in = buf;
  EXPECT_EQ(decode_request(in), a);
  EXPECT_EQ(decode_request(in), b);
  EXPECT_TRUE(in.empty());
  EXPECT_EQ(decode_request(in), std::nullopt);
}

TEST(RequestDecode, extreme_values_round_trip) {
  constexpr auto kMin = std::numeric_limits<std::int32_t>::min();
  constexpr auto kMax = std::numeric_limits<std::int32_t>::max();
  Request r = make_request(std::numeric_limits<std::uint32_t>::max(), std::numeric_limits<std::uint64_t>::max(),
                           OpKind::kAppend, kMin, kMax);
  std::string buf;
  encode(r, buf);
  std::string_view in = buf;
  EXPECT_EQ(decode_request(in), r);
}

TEST(RequestDecode, malformed_input_is_rejected_and_not_consumed) {
  const char* cases[] = {
      "",
      ";",
      "3,17,1,-2,1042",                 // missing ';'
      "3,17,1,-2,1042,",                // wrong terminator
      "3,17,1,-2;",                     // too few fields
      "3,17,1,-2,1042,5;",              // too many fields
      "3,17,4,0,0;",                    // op out of range
      "3,17,256,0,0;",                  // op overflows its byte
      "-3,17,1,0,0;",                   // negative client
      "4294967296,17,1,0,0;",           // client overflows uint32
      "3,18446744073709551616,1,0,0;",  // id overflows uint64
      "3,17,1,2147483648,0;",           // key overflows int32
      "3,17,1,0,-2147483649;",          // value underflows int32
      "3,17,1,a,0;",                    // non-digit
      " 3,17,1,0,0;",                   // whitespace
      "+3,17,1,0,0;",                   // explicit plus
      "3,,1,0,0;",                      // empty field
      "3;17,1,0,0;",                    // separator in the wrong place
      "3,17,1,0x10,0;",                 // hex
      "3,17,1,1.5,0;",                  // fraction
  };
  for (const char* text : cases) {
    std::string_view in = text;
    EXPECT_EQ(decode_request(in), std::nullopt) << "input: " << text;
    EXPECT_EQ(in, std::string_view(text)) << "input was consumed: " << text;
  }
}

RC_GTEST_PROP(RequestCodec, decode_inverts_encode, ()) {
  Request request = *arbitrary_request();
  std::string suffix = *rc::gen::arbitrary<std::string>();
  std::string buf;
  encode(request, buf);
  buf += suffix;
  std::string_view in = buf;
  RC_ASSERT(decode_request(in) == std::optional<Request>(request));
  RC_ASSERT(in == std::string_view(suffix));
}

RC_GTEST_PROP(RequestCodec, decode_of_arbitrary_text_fails_cleanly_or_advances, (std::string text)) {
  std::string_view in = text;
  auto request = decode_request(in);
  if (!request) {
    RC_ASSERT(in == std::string_view(text));
  } else {
    RC_ASSERT(in.size() < text.size());
    RC_ASSERT(static_cast<unsigned>(request->op) < 4u);
  }
}

}  // namespace
}  // namespace fl
