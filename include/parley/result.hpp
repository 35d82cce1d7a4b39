#pragma once
// A value or the Failure that prevented it; errors are values in the core.
#include <utility>
#include <variant>

#include "parley/error_code.hpp"

namespace parley {

template <class T>
class Result {
public:
    Result(T value) : v_(std::move(value)) {}
    Result(Failure failure) : v_(std::move(failure)) {}

    bool ok() const { return v_.index() == 0; }
    T& value() { return std::get<0>(v_); }
    const T& value() const { return std::get<0>(v_); }
    const Failure& failure() const { return std::get<1>(v_); }

private:
    std::variant<T, Failure> v_;
};

}  // namespace parley
