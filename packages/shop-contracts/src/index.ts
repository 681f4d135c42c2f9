export { type Line, lineQuantitySchema, lineSchema, minorUnitsSchema } from "./line.js";
export { type Order, type OrderStatus, orderSchema, orderStatusSchema } from "./order.js";
